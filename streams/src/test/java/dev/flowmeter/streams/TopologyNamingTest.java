package dev.flowmeter.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologyNamingTest {

    @Test
    void shouldNameEveryNodeAndStoreWhenTheTopologyIsBuilt() {
        String description = ValueStreamTopology.build(TopologySettings.defaults()).describe().toString();

        // Auto-generated names change when the topology changes, which orphans state and changelog topics.
        assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(description).contains("dedup-ids-store", "metrics-aggregates-store", "lead-time-commit-nodes-store",
                "gates-waiting-store", "metrics-rejections-store");
    }
}
