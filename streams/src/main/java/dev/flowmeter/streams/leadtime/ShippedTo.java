package dev.flowmeter.streams.leadtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a commit has been shipped: environment to the time of its first successful deployment there, and the
 * environments where it was reached by a walk over history (rather than listed explicitly), whose walks continue
 * when the commit later gains parents.
 */
record ShippedTo(Map<String, Long> environments, List<String> walkedEnvironments) {

    static final ShippedTo NONE = new ShippedTo(Map.of(), List.of());

    ShippedTo {
        environments = environments == null ? Map.of() : Map.copyOf(environments);
        walkedEnvironments = walkedEnvironments == null ? List.of() : List.copyOf(walkedEnvironments);
    }

    boolean walked(String environment) {
        return walkedEnvironments.contains(environment);
    }

    ShippedTo plus(String environment, long time, boolean walk) {
        Map<String, Long> next = new TreeMap<>(environments);
        next.putIfAbsent(environment, time);
        List<String> walked = walkedEnvironments;
        if (walk && !walked.contains(environment)) {
            walked = new ArrayList<>(walked);
            walked.add(environment);
        }
        return new ShippedTo(next, walked);
    }
}
