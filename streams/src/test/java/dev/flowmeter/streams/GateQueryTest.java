package dev.flowmeter.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.gates.GateQuery;
import dev.flowmeter.streams.gates.GateQuery.Status;
import dev.flowmeter.streams.gates.GateQuery.WaitingItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GateQueryTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final GateLimits LIMITS = GateLimits.of(Map.of("code-review", Duration.ofHours(6)));
    private static final Instant NOW = Instant.parse("2026-05-10T03:00:00Z");

    private final TopologyFixture fixture = new TopologyFixture(TopologySettings.defaults().withGateLimits(LIMITS));
    private final GateQuery query = new GateQuery(fixture.driver()::getKeyValueStore, Clock.fixed(NOW, ZoneOffset.UTC),
            LIMITS);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldListWaitingItemsOldestFirstWithAgeAndLimitWhenAsked() {
        fixture.send(fixture.queued("code-review", "PR-2", "2026-05-09T22:00:00Z"));
        fixture.send(fixture.queued("code-review", "PR-1", "2026-05-09T20:00:00Z"));
        fixture.send(fixture.queued("qa", "build-7", "2026-05-09T21:00:00Z"));
        fixture.send(fixture.queued("qa", "build-8", "2026-05-09T21:30:00Z"));
        fixture.send(fixture.started("qa", "build-8", "2026-05-09T23:00:00Z"));
        fixture.passReorderWindow();

        // At 03:00: PR-1 waited 7 h (> 6 h, stalled), build-7 6 h (qa has no limit), PR-2 5 h; build-8 started.
        assertThat(query.items(Status.WAITING, null, null).items()).containsExactly(
                new WaitingItem(S, "code-review", "PR-1", Instant.parse("2026-05-09T20:00:00Z"), 25200, 21600L, true),
                new WaitingItem(S, "qa", "build-7", Instant.parse("2026-05-09T21:00:00Z"), 21600, null, false),
                new WaitingItem(S, "code-review", "PR-2", Instant.parse("2026-05-09T22:00:00Z"), 18000, 21600L,
                        false));
        assertThat(query.items(Status.STALLED, null, null).items()).extracting(WaitingItem::item)
                .containsExactly("PR-1");
        assertThat(query.items(Status.WAITING, S, "qa").items()).extracting(WaitingItem::item)
                .containsExactly("build-7");
        assertThat(query.items(Status.WAITING, "other", null).items()).isEmpty();
        assertThat(query.items(Status.WAITING, S, null).truncated()).isFalse();
    }
}
