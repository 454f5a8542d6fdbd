package dev.flowmeter.api;

import dev.flowmeter.ingest.webhook.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads typed values from environment variables, failing with a message that names the variable. */
final class EnvReader {

    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) longInteger(name, fallback, min, max);
    }

    long longInteger(String name, long fallback, long min, long max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max
                        + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value.get() + "'", e);
        }
    }

    boolean bool(String name, boolean fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value.get() + "'");
        };
    }

    /** ISO-8601 ({@code P7D}, {@code PT12H}) or a number with a unit: {@code 7d}, {@code 12h}, {@code 30m}. */
    Duration duration(String name, Duration fallback) {
        Optional<String> value = optional(name);
        return value.isEmpty() ? fallback : parseDuration(name, value.get());
    }

    /** Three ascending durations, comma-separated, as {@link #duration} reads each; {@code fallback} when unset. */
    List<Duration> durationList(String name, List<Duration> fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        String[] parts = value.get().split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(name + " must be three durations, elite, high and medium, such as"
                    + " 1d,7d,30d; got '" + value.get() + "'");
        }
        List<Duration> parsed = new ArrayList<>();
        for (String part : parts) {
            parsed.add(parseDuration(name, part.trim()));
        }
        if (parsed.get(0).compareTo(parsed.get(1)) > 0 || parsed.get(1).compareTo(parsed.get(2)) > 0) {
            throw new IllegalArgumentException(name + " must be ascending (elite, high, medium), got '"
                    + value.get() + "'");
        }
        return List.copyOf(parsed);
    }

    /** Three ascending percentages such as {@code 5%,10%,15%}, as fractions; {@code fallback} when unset. */
    List<Double> percentList(String name, List<Double> fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        String[] parts = value.get().split(",", -1);
        String rule = name + " must be three ascending percentages from 0% to 100%, elite, high and medium, such"
                + " as 5%,10%,15%; got '" + value.get() + "'";
        if (parts.length != 3) {
            throw new IllegalArgumentException(rule);
        }
        List<Double> parsed = new ArrayList<>();
        for (String part : parts) {
            String text = part.trim();
            if (!text.endsWith("%")) {
                throw new IllegalArgumentException(rule);
            }
            try {
                double percent = Double.parseDouble(text.substring(0, text.length() - 1).trim());
                if (!(percent >= 0 && percent <= 100)) {
                    throw new IllegalArgumentException(rule);
                }
                parsed.add(percent / 100);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(rule, e);
            }
        }
        if (parsed.get(0) > parsed.get(1) || parsed.get(1) > parsed.get(2)) {
            throw new IllegalArgumentException(rule);
        }
        return List.copyOf(parsed);
    }

    /**
     * A comma-separated list of {@code name=duration} pairs, such as {@code code-review=24h, qa=48h}, each duration
     * as {@link #duration} reads it and each name matching {@code namePattern}; empty when the variable is not set.
     */
    Map<String, Duration> durations(String name, Pattern namePattern, String nameRule) {
        Optional<String> value = optional(name);
        Map<String, Duration> parsed = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return parsed;
        }
        for (String entry : value.get().split(",", -1)) {
            String pair = entry.trim();
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(name + " must be a comma-separated list of name=duration such as"
                        + " code-review=24h, default=72h; got '" + pair + "'");
            }
            String key = pair.substring(0, equals).trim();
            if (!namePattern.matcher(key).matches()) {
                throw new IllegalArgumentException(name + ": '" + key + "' " + nameRule);
            }
            if (parsed.containsKey(key)) {
                throw new IllegalArgumentException(name + " sets " + key + " twice");
            }
            parsed.put(key, parseDuration(name + " (" + key + ")", pair.substring(equals + 1).trim()));
        }
        return parsed;
    }

    /** What {@link #duration} reads, for a value from elsewhere (a query parameter); {@code name} is in the message. */
    static Duration parseDuration(String name, String value) {
        String text = value.toLowerCase(Locale.ROOT);
        Duration parsed;
        try {
            if (text.startsWith("p")) {
                parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                parsed = switch (text.charAt(text.length() - 1)) {
                    case 'w' -> Duration.ofDays(7 * amount);
                    case 'd' -> Duration.ofDays(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 's' -> Duration.ofSeconds(amount);
                    default -> throw new IllegalArgumentException("no unit");
                };
            }
        } catch (DateTimeParseException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(name + " must be a duration such as 7d, 12h, 30m, 10s, 12w or P7D, got '"
                    + value + "'", e);
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got '" + value + "'");
        }
        return parsed;
    }

    /** A secret from {@code name}, or from the file {@code name_FILE} names (Docker and Kubernetes secrets). */
    Optional<Secret> secret(String name) {
        return secretText(name).map(Secret::of);
    }

    /** Like {@link #secret}, for libraries that take the secret as a string (Kafka's JAAS config, passwords). */
    Optional<String> secretText(String name) {
        Optional<String> direct = optional(name);
        Optional<String> file = optional(name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("set either " + name + " or " + name + "_FILE, not both");
        }
        if (file.isPresent()) {
            try {
                String value = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(name + "_FILE names an empty file: " + file.get());
                }
                return Optional.of(value);
            } catch (IOException e) {
                throw new UncheckedIOException(name + "_FILE: cannot read " + file.get(), e);
            }
        }
        return direct;
    }
}
