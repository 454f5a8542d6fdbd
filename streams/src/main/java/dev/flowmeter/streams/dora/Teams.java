package dev.flowmeter.streams.dora;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which team owns each service, from lines {@code service = team}. A service may be a glob, as in
 * {@code shop/* = payments} ({@code *} within one path segment, {@code **} across them, the JDK's glob syntax). A
 * service takes the team of the line naming it exactly, else of the first glob line that matches it, so one service
 * has one team; a service no line matches has none.
 */
public final class Teams {

    /** No team for any service. */
    public static final Teams NONE = new Teams(Map.of(), List.of());

    private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Map<String, String> exact;
    private final List<Glob> globs;

    private record Glob(String text, PathMatcher matcher, String team) {
    }

    private Teams(Map<String, String> exact, List<Glob> globs) {
        this.exact = exact;
        this.globs = globs;
    }

    /**
     * Reads the lines of a teams file. Blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the line and the problem
     */
    public static Teams parse(List<String> lines) {
        Map<String, String> exact = new LinkedHashMap<>();
        List<Glob> globs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("line " + number + " must be 'service = team', got '" + line + "'");
            }
            String service = line.substring(0, equals).trim();
            String team = line.substring(equals + 1).trim();
            if (service.isEmpty() || service.length() > 200) {
                throw new IllegalArgumentException("line " + number + ": the service must be 1-200 characters");
            }
            if (!TEAM.matcher(team).matches()) {
                throw new IllegalArgumentException("line " + number + ": the team must be 1-100 letters, digits, '.',"
                        + " '_' or '-', got '" + team + "'");
            }
            if (isGlob(service)) {
                try {
                    globs.add(new Glob(service, FileSystems.getDefault().getPathMatcher("glob:" + service), team));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + number + ": '" + service + "' is not a glob: "
                            + e.getMessage(), e);
                }
            } else if (exact.putIfAbsent(service, team) != null && !exact.get(service).equals(team)) {
                throw new IllegalArgumentException("line " + number + ": " + service + " already belongs to team "
                        + exact.get(service) + "; a service has one team");
            }
        }
        return exact.isEmpty() && globs.isEmpty() ? NONE : new Teams(Map.copyOf(exact), List.copyOf(globs));
    }

    /** The team of {@code service}, if a line gives it one. */
    public Optional<String> teamOf(String service) {
        String team = exact.get(service);
        if (team != null) {
            return Optional.of(team);
        }
        if (globs.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(service);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        for (Glob glob : globs) {
            if (glob.matcher().matches(path)) {
                return Optional.of(glob.team());
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return exact.isEmpty() && globs.isEmpty();
    }

    private static boolean isGlob(String service) {
        return service.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
