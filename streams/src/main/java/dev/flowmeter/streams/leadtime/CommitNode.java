package dev.flowmeter.streams.leadtime;

import java.util.List;

/**
 * A node of the history walk: when it was made and what it descends from. An artifact node stands for a built
 * artifact: the walk passes through it to the commits it was built from without counting it as a change.
 */
record CommitNode(long timeMillis, List<String> parents, boolean artifact) {

    CommitNode {
        parents = parents == null ? List.of() : List.copyOf(parents);
    }

    CommitNode withParents(List<String> nextParents) {
        return new CommitNode(timeMillis, nextParents, artifact);
    }
}
