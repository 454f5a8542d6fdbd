package dev.flowmeter.ingest.cdevents;

import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.ServiceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names the service a CDEvent belongs to. CDEvents name a value stream differently per subject (a repository, an
 * artifact, a pipeline, a source URI), but every event of one stream must land in one service. So each identifier
 * yields candidate names, from the most specific (a repository's {@code org/repo}) to its short name (the last path
 * segment: {@code repo}, an image's name); the first candidate the service map renames wins, and without a rename the
 * service is the short name. A repository {@code acme/checkout}, an image {@code pkg:oci/checkout@sha256:...} and a
 * service {@code default/checkout} therefore meet in {@code checkout} without any configuration.
 */
final class ServiceNames {

    private static final Pattern NOT_SERVICE = Pattern.compile("[^A-Za-z0-9._/-]");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

    private final ServiceMap map;

    ServiceNames(ServiceMap map) {
        this.map = map;
    }

    /** The service of a path-like identifier (a repository, a service id, a source URI, a pipeline name). */
    String ofPath(String identifier, String field) {
        return pick(pathCandidates(identifier), field);
    }

    /** The service of an artifact id: a purl's name (or namespace/name, or repository_url), else as a path. */
    String ofArtifact(String artifactId, String field) {
        Optional<PackageUrl> purl = PackageUrl.parse(artifactId);
        if (purl.isEmpty()) {
            return ofPath(artifactId, field);
        }
        List<String> candidates = new ArrayList<>();
        if (!purl.get().namespace().isEmpty()) {
            add(candidates, purl.get().namespace() + "/" + purl.get().name());
        }
        String repositoryUrl = purl.get().qualifiers().get("repository_url");
        if (repositoryUrl != null) {
            add(candidates, trimSlashes(SCHEME.matcher(repositoryUrl.strip()).replaceFirst("")));
        }
        add(candidates, purl.get().name());
        return pick(candidates, field);
    }

    private String pick(List<String> candidates, String field) {
        if (candidates.isEmpty()) {
            throw Rejected.invalidPayload("the CDEvent's " + field + " names no service",
                    List.of(new FieldError(field, "must contain letters or digits")));
        }
        for (String candidate : candidates) {
            String mapped = map.service(candidate);
            if (!mapped.equals(candidate)) {
                return mapped;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    private static List<String> pathCandidates(String identifier) {
        String path = SCHEME.matcher(identifier.strip()).replaceFirst("");
        int end = firstOf(path, '?', '#');
        path = trimSlashes(path.substring(0, end));
        List<String> candidates = new ArrayList<>();
        add(candidates, path);
        add(candidates, path.substring(path.lastIndexOf('/') + 1));
        return candidates;
    }

    /** Adds a candidate in the service alphabet; other characters become '-'. Blank or duplicate ones are skipped. */
    private static void add(List<String> candidates, String raw) {
        String name = trimSlashes(NOT_SERVICE.matcher(raw.strip()).replaceAll("-"));
        if (name.length() > EventJson.MAX_SERVICE_LENGTH) {
            name = name.substring(name.length() - EventJson.MAX_SERVICE_LENGTH);
        }
        if (!name.isEmpty() && name.chars().anyMatch(Character::isLetterOrDigit) && !candidates.contains(name)) {
            candidates.add(name);
        }
    }

    private static String trimSlashes(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '/') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(start, end);
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        if (i < 0) {
            return j < 0 ? text.length() : j;
        }
        return j < 0 ? i : Math.min(i, j);
    }
}
