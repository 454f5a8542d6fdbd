package dev.flowmeter.bench.org;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} arguments of this package's mains, read once; a bad or unknown one stops the program with
 * a message naming it, so a mistyped flag in a benchmark script fails loudly instead of running with a default.
 */
final class Arguments {

    private final Map<String, String> values = new HashMap<>();

    Arguments(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + name + "'; expected --" + String.join(
                        " VALUE, --", known.stream().sorted().toList()) + " VALUE");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            values.put(name.substring(2), args[i + 1]);
        }
    }

    String string(String name, String fallback) {
        String value = values.get(name);
        if (value == null && fallback == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value == null ? fallback : value;
    }

    long number(String name, long fallback, long min) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value.replace("_", ""));
            if (number < min) {
                throw new IllegalArgumentException("--" + name + " must be at least " + min + ", was " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + value + "'", e);
        }
    }

    int integer(String name, int fallback, int min) {
        long number = number(name, fallback, min);
        if (number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " must be at most " + Integer.MAX_VALUE);
        }
        return (int) number;
    }

    /** An RFC 3339 time; by default now, rounded down to the minute, so that no event is in the future. */
    Instant end() {
        String value = values.get("end");
        if (value == null) {
            return Instant.now().truncatedTo(ChronoUnit.MINUTES);
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--end must be an RFC 3339 time such as 2026-05-01T10:00:00Z, was '"
                    + value + "'", e);
        }
    }
}
