package dev.flowmeter.ingest.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names the service (value stream) a repository's events belong to. By default a service is the repository's full
 * name ({@code org/repo}). A service map file ({@code FLOWMETER_SERVICE_MAP}) renames repositories and splits a
 * monorepo by path. One mapping per line, {@code #} starts a comment:
 *
 * <pre>
 * octo-org/octo-repo = shop/checkout
 * octo-org/monorepo:services/cart/ = shop/cart
 * octo-org/monorepo:services/payments/ = shop/payments
 * </pre>
 *
 * A commit of a monorepo belongs to every service whose path prefix one of its changed files starts with, and to the
 * repository's own service when it touches none of them.
 */
public final class ServiceMap {

    public static final ServiceMap IDENTITY = new ServiceMap(Map.of(), Map.of());
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    private final Map<String, String> renames;
    private final Map<String, Map<String, String>> pathsByRepository;

    private ServiceMap(Map<String, String> renames, Map<String, Map<String, String>> pathsByRepository) {
        this.renames = renames;
        this.pathsByRepository = pathsByRepository;
    }

    /** Reads a map file; a bad line fails with its number and the variable that named the file. */
    public static ServiceMap load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("FLOWMETER_SERVICE_MAP: cannot read " + file, e);
        }
        return parse(lines, file.toString());
    }

    static ServiceMap parse(List<String> lines, String origin) {
        Map<String, String> renames = new LinkedHashMap<>();
        Map<String, Map<String, String>> paths = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String where = "FLOWMETER_SERVICE_MAP " + origin + " line " + (i + 1) + ": ";
            if (equals < 0) {
                throw new IllegalArgumentException(where + "expected 'repository = service' or "
                        + "'repository:path/ = service'");
            }
            String left = line.substring(0, equals).strip();
            String service = line.substring(equals + 1).strip();
            if (!SERVICE.matcher(service).matches()) {
                throw new IllegalArgumentException(where + "service '" + service
                        + "' must be 1-200 characters of letters, digits, '.', '_', '/' or '-'");
            }
            int colon = left.indexOf(':');
            if (colon < 0) {
                renames.put(left, service);
            } else {
                paths.computeIfAbsent(left.substring(0, colon).strip(), r -> new LinkedHashMap<>())
                        .put(left.substring(colon + 1).strip(), service);
            }
        }
        return new ServiceMap(Map.copyOf(renames), Map.copyOf(paths));
    }

    /** The service of a whole repository. */
    public String service(String repository) {
        return renames.getOrDefault(repository, repository);
    }

    /** The services a change to {@code paths} of {@code repository} belongs to (never empty). */
    public Set<String> services(String repository, Collection<String> paths) {
        Map<String, String> prefixes = pathsByRepository.get(repository);
        Set<String> services = new LinkedHashSet<>();
        if (prefixes != null) {
            for (String path : paths) {
                prefixes.forEach((prefix, service) -> {
                    if (path.startsWith(prefix)) {
                        services.add(service);
                    }
                });
            }
        }
        if (services.isEmpty()) {
            services.add(service(repository));
        }
        return services;
    }

    /** Whether the repository is split by path, so that callers know to look at changed files. */
    public boolean splitsByPath(String repository) {
        return pathsByRepository.containsKey(repository);
    }

    /** Every mapping, for the start-up log. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        renames.forEach((repo, service) -> lines.add(repo + " = " + service));
        pathsByRepository.forEach((repo, prefixes) -> prefixes.forEach((prefix, service) ->
                lines.add(repo + ":" + prefix + " = " + service)));
        return lines;
    }
}
