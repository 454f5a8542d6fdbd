package dev.flowmeter.ingest.cdevents;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}), the form CDEvents gives artifact ids in,
 * read by the purl maintainers' parser ({@code packageurl-java}), which decodes and normalises each part as the spec
 * says (for example lower-casing the names of {@code github} and {@code pypi} packages). Tools spell the same artifact
 * differently ({@code sha256%3A...} or {@code sha256:...}, qualifiers in any order), so artifacts are compared by
 * their {@link #canonical()} form.
 */
record PackageUrl(String type, String namespace, String name, String version, Map<String, String> qualifiers) {

    private static final String SCHEME = "pkg:";

    PackageUrl {
        namespace = namespace == null ? "" : namespace;
        version = version == null ? "" : version;
        qualifiers = qualifiers == null ? Map.of() : Map.copyOf(qualifiers);
    }

    /** The package URL in {@code text}, or empty when it is not one the spec allows. */
    static Optional<PackageUrl> parse(String text) {
        String purl = text.strip();
        if (!purl.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        // The parser insists on a lower-case scheme; tools that upper-case it mean the same package.
        purl = SCHEME + purl.substring(SCHEME.length());
        try {
            PackageURL parsed = new PackageURL(purl);
            return Optional.of(new PackageUrl(parsed.getType().toLowerCase(Locale.ROOT), parsed.getNamespace(),
                    parsed.getName(), parsed.getVersion(), parsed.getQualifiers()));
        } catch (MalformedPackageURLException e) {
            return Optional.empty();
        }
    }

    /**
     * Type, namespace, name and version, decoded; qualifiers and subpath left out. This form (not the spec's
     * percent-encoded canonical string) is what artifacts' stand-in ids are derived from, so it must not change.
     */
    String canonical() {
        return SCHEME + type + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name
                + (version.isEmpty() ? "" : "@" + version);
    }
}
