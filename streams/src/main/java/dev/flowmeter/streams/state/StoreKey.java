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

    /**
     * A free-text part made safe for the middle of a key: {@code %} and the separator are percent-encoded, so the
     * key splits unambiguously and a prefix scan for one value never matches another. {@link #unescape} reverses it.
     */
    public static String escape(String text) {
        return text.replace("%", "%25").replace(String.valueOf(SEPARATOR), "%7C");
    }

    public static String unescape(String part) {
        return part.replace("%7C", String.valueOf(SEPARATOR)).replace("%25", "%");
    }

    /** Splits a key built from {@code count} parts; the last part keeps any separators it contains. */
    public static String[] split(String key, int count) {
        return key.split("\\" + SEPARATOR, count);
    }
}
