package dev.flowmeter.streams.valuestream;

import dev.flowmeter.streams.dora.History;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the value stream reads for one service, as plain values: its changes, the commits of each, the commit
 * times known, the delivery history (deployments and the commits each environment got first), the finished gate
 * passes by item, and its environments.
 */
public record Facts(String service, Map<String, ChangeFact> changes, Map<String, Set<String>> commitsByChange,
        Map<String, Long> commitTimes, History history, Map<String, List<Journey.Pass>> passesByItem,
        Map<String, EnvironmentFact> environments) {

    public Facts {
        changes = Map.copyOf(changes);
        commitsByChange = Map.copyOf(commitsByChange);
        commitTimes = Map.copyOf(commitTimes);
        passesByItem = Map.copyOf(passesByItem);
        environments = Map.copyOf(environments);
    }
}
