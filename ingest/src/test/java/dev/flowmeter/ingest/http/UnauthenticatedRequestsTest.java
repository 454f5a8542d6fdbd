package dev.flowmeter.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnauthenticatedRequestsTest {

    private final UnauthenticatedRequests counts = new UnauthenticatedRequests();

    @Test
    void shouldCountEachSourceApartWhenRequestsAreRefused() {
        counts.record("github");
        counts.record("api");
        counts.record("github");

        assertThat(counts.count("github")).isEqualTo(2);
        assertThat(counts.count("api")).isEqualTo(1);
        assertThat(counts.count("gitlab")).isZero();
        assertThat(counts.snapshot()).containsExactly(Map.entry("api", 1L), Map.entry("github", 2L));
    }

    @Test
    void shouldBeACopyWhenTakingASnapshot() {
        counts.record("api");
        Map<String, Long> snapshot = counts.snapshot();

        counts.record("api");

        assertThat(snapshot).isEqualTo(Map.of("api", 1L));
        assertThat(counts.snapshot()).isEqualTo(Map.of("api", 2L));
    }
}
