package dev.flowmeter.api.gitimport;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A tag that marks a deployment: its short name ({@code v1.2}, without {@code refs/tags/}), the commit it points at
 * once peeled, and its date: the tagger's date for an annotated tag, else the tagged commit's committer date.
 */
record GitTag(String name, String sha, OffsetDateTime time, boolean annotated) {

    GitTag {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(time, "time");
    }
}
