package dev.flowmeter.api.gitimport;

import dev.flowmeter.api.cli.OptionException;
import dev.flowmeter.api.cli.ServerOptions;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.InvalidEventException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The options of one import, checked before anything is read or sent, so that a bad value stops the command with a
 * message naming the option. The service and environment are checked by the events API's own rules
 * ({@link EventJson}), so what passes here is never refused by the server for its name.
 *
 * @param since commits and tags dated before this are left out; {@link #EVERYTHING} when not given
 */
record ImportSettings(Path repo, String service, String deployTagsGlob, PathMatcher deployTags, String environment,
        Instant since, URI server) {

    static final String DEFAULT_DEPLOY_TAGS = "v*";
    static final String DEFAULT_ENVIRONMENT = "production";
    static final String DEFAULT_SERVER = ServerOptions.DEFAULT_SERVER;
    /** No {@code --since}: every commit and tag. */
    static final Instant EVERYTHING = Instant.MIN;

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String ANY_SHA = "0".repeat(40);

    /** @param since null when not given */
    static ImportSettings parse(String repo, String service, String deployTags, String environment, String since,
            String server) {
        return new ImportSettings(repoPath(repo), service(service), deployTags, glob(deployTags),
                environment(environment), since == null ? EVERYTHING : since(since), ServerOptions.server(server));
    }

    boolean hasSince() {
        return !since.equals(EVERYTHING);
    }

    private static Path repoPath(String repo) {
        if (repo.isBlank()) {
            throw new OptionException("--repo", "must not be empty");
        }
        try {
            return Path.of(repo).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new OptionException("--repo", "'" + repo + "' is not a path: " + e.getReason());
        }
    }

    private static String service(String service) {
        if (service.isBlank()) {
            throw new OptionException("--service", "must not be empty: name the service the repository delivers");
        }
        contract("service", "--service", service, service, DEFAULT_ENVIRONMENT);
        return service;
    }

    private static String environment(String environment) {
        if (environment.isBlank()) {
            throw new OptionException("--environment", "must not be empty");
        }
        contract("environment", "--environment", environment, "any", environment);
        return environment;
    }

    /** Checks a name by the events API's own rules, on an event made only to carry it. */
    private static void contract(String field, String option, String value, String service, String environment) {
        try {
            EventJson.validate(new DeploymentFinished("import-git", Instant.EPOCH, service, environment, ANY_SHA,
                    DeploymentStatus.SUCCESS, List.of()));
        } catch (InvalidEventException e) {
            for (FieldError error : e.errors()) {
                if (error.field().equals(field)) {
                    throw new OptionException(option, "'" + value + "' " + error.problem());
                }
            }
            throw new OptionException(option, "'" + value + "' is refused by the events API: " + e.getMessage());
        }
    }

    private static PathMatcher glob(String glob) {
        if (glob.isEmpty()) {
            throw new OptionException("--deploy-tags", "must not be empty (the default is " + DEFAULT_DEPLOY_TAGS
                    + ")");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            String description = e.getDescription();
            if (description.chars().filter(c -> c == '\'').count() % 2 == 1) {
                description += "'"; // the JDK says "Missing '}" and "Missing ']"
            }
            throw new OptionException("--deploy-tags", "'" + glob + "' is not a valid glob: " + description
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
        } catch (IllegalArgumentException e) {
            throw new OptionException("--deploy-tags", "'" + glob + "' is not a valid glob: " + e.getMessage());
        }
    }

    private static Instant since(String since) {
        try {
            if (DATE.matcher(since).matches()) {
                return LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(since, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new OptionException("--since", "'" + since + "' is not a date (2026-05-01, taken as midnight UTC)"
                    + " or an RFC 3339 timestamp with an offset (2026-05-01T10:00:00Z)");
        }
    }
}
