package dev.flowmeter.api.gitimport;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One commit as import-git reads it: its sha, its parents in git's order (the first parent first) and its committer
 * date with the committer's own offset.
 */
record GitCommit(String sha, List<String> parents, OffsetDateTime time) {

    GitCommit {
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(time, "time");
        parents = List.copyOf(parents);
    }
}
