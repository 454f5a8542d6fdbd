package dev.flowmeter.streams.leadtime;

import java.util.List;

/** A commit as the history walk needs it: when it was made and what it descends from. */
record CommitNode(long timeMillis, List<String> parents) {

    CommitNode {
        parents = parents == null ? List.of() : List.copyOf(parents);
    }
}
