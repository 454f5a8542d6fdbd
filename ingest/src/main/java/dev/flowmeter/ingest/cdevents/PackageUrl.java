package dev.flowmeter.ingest.cdevents;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}), the form CDEvents gives artifact ids in.
 * Tools spell the same artifact differently ({@code sha256%3A...} or {@code sha256:...}, qualifiers in any order), so
 * artifacts are compared by their {@link #canonical()} form.
 */
record PackageUrl(String type, String namespace, String name, String version, Map<String, String> qualifiers) {

    private static final String SCHEME = "pkg:";

    PackageUrl {
        qualifiers = Map.copyOf(qualifiers);
    }

    static Optional<PackageUrl> parse(String text) {
        String rest = text.strip();
        if (!rest.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        rest = rest.substring(SCHEME.length());
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        Map<String, String> qualifiers = new LinkedHashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                String[] keyValue = pair.split("=", 2);
                if (keyValue.length == 2 && !keyValue[0].isBlank()) {
                    qualifiers.put(keyValue[0].strip().toLowerCase(Locale.ROOT), decode(keyValue[1]));
                }
            }
            rest = rest.substring(0, question);
        }
        String version = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            version = decode(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        List<String> segments = new ArrayList<>(Arrays.stream(rest.split("/")).filter(s -> !s.isBlank()).toList());
        if (segments.size() < 2) {
            return Optional.empty();
        }
        String type = segments.remove(0).toLowerCase(Locale.ROOT);
        String name = decode(segments.remove(segments.size() - 1));
        String namespace = String.join("/", segments.stream().map(PackageUrl::decode).toList());
        return Optional.of(new PackageUrl(type, namespace, name, version, qualifiers));
    }

    /** Type, namespace, name and version, decoded; qualifiers and subpath left out. */
    String canonical() {
        return SCHEME + type + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name
                + (version.isEmpty() ? "" : "@" + version);
    }

    private static String decode(String text) {
        try {
            // '+' is a literal plus in a purl, not a space as in a form.
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
