package dev.flowmeter.streams.state;

/**
 * Builds state store keys from parts. '|' cannot occur in a service, environment, gate, sha or label value (the
 * event contract forbids it), so it separates parts unambiguously; a free-text part (an item, an id) goes last.
 */
public final class StoreKey {

    public static final char SEPARATOR = '|';

    private StoreKey() {
    }

    public static String of(String... parts) {
        return String.join(String.valueOf(SEPARATOR), parts);
    }

    /** Splits a key built from {@code count} parts; the last part keeps any separators it contains. */
    public static String[] split(String key, int count) {
        return key.split("\\" + SEPARATOR, count);
    }
}
