package dev.flowmeter.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestLimitsTest {

    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    @Test
    void shouldRefuseATimeOnlyWhenItIsMoreThanMaxFutureAhead() {
        IngestLimits limits = IngestLimits.defaults();

        assertThat(limits.isTooFarAhead(Instant.parse("2026-05-02T10:00:00Z"), NOW)).isFalse();
        assertThat(limits.isTooFarAhead(Instant.parse("2026-05-02T10:00:00.001Z"), NOW)).isTrue();
        assertThat(limits.isTooFarAhead(Instant.parse("1970-01-01T00:00:00Z"), NOW)).isFalse();
        assertThat(limits.isTooFarAhead(Instant.parse("9999-12-31T23:59:59Z"), NOW)).isTrue();
    }

    @Test
    void shouldStateTheTimeTheBoundAndTheServerClockWhenDescribingTheProblem() {
        String problem = IngestLimits.defaults().tooFarAheadProblem(Instant.parse("2026-05-03T10:00:00Z"),
                Instant.parse("2026-05-01T10:00:00.123456Z"));

        assertThat(problem).isEqualTo("is 2026-05-03T10:00:00Z, more than 1 day (FLOWMETER_MAX_FUTURE) ahead of the "
                + "server's clock, which reads 2026-05-01T10:00:00Z; check the sender's clock");
    }

    @Test
    void shouldNameTheBoundInItsLargestWholeUnitWhenDescribingIt() {
        assertThat(IngestLimits.describe(Duration.ofDays(2))).isEqualTo("2 days");
        assertThat(IngestLimits.describe(Duration.ofHours(36))).isEqualTo("36 hours");
        assertThat(IngestLimits.describe(Duration.ofHours(1))).isEqualTo("1 hour");
        assertThat(IngestLimits.describe(Duration.ofMinutes(90))).isEqualTo("90 minutes");
        assertThat(IngestLimits.describe(Duration.ofSeconds(61))).isEqualTo("61 seconds");
        assertThat(IngestLimits.describe(Duration.ofMillis(1500))).isEqualTo("PT1.5S");
    }

    @Test
    void shouldFailNamingTheVariableWhenMaxFutureIsNotPositive() {
        assertThatThrownBy(() -> new IngestLimits(1000, 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_MAX_FUTURE must be a positive duration, was PT0S");
        assertThatThrownBy(() -> new IngestLimits(1000, 10, Duration.ofHours(-1)))
                .hasMessage("FLOWMETER_MAX_FUTURE must be a positive duration, was PT-1H");
    }

    @Test
    void shouldDefaultToOneDayAheadWhenUsingTheDefaults() {
        assertThat(IngestLimits.defaults()).isEqualTo(new IngestLimits(26_214_400, 1000, Duration.ofDays(1)));
    }
}
