package dev.flowmeter.streams.gates;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How long an item may wait at each gate before it counts as stalled: a limit per named gate, and optionally a
 * default for every other gate. A gate with no limit (none named and no default) never stalls.
 */
public final class GateLimits {

    /** The gate name that sets the limit of every gate not named. */
    public static final String DEFAULT = "default";
    /** No limits: nothing stalls. */
    public static final GateLimits NONE = new GateLimits(Map.of());

    private final Map<String, Duration> limits;

    private GateLimits(Map<String, Duration> limits) {
        this.limits = limits;
    }

    /** {@code limits} by gate name, {@value #DEFAULT} for every other gate; each must be positive. */
    public static GateLimits of(Map<String, Duration> limits) {
        TreeMap<String, Duration> copy = new TreeMap<>();
        limits.forEach((gate, limit) -> {
            Objects.requireNonNull(gate, "gate");
            if (gate.isBlank()) {
                throw new IllegalArgumentException("a gate limit needs a gate name");
            }
            if (limit == null || limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("the limit of gate " + gate + " must be positive");
            }
            copy.put(gate, limit);
        });
        return copy.isEmpty() ? NONE : new GateLimits(Collections.unmodifiableMap(copy));
    }

    /** The limit of {@code gate}: its own, else the default, else none. */
    public Optional<Duration> limitFor(String gate) {
        Duration own = limits.get(gate);
        return Optional.ofNullable(own != null ? own : limits.get(DEFAULT));
    }

    /** Every configured limit by gate name, {@value #DEFAULT} included when set, in name order. */
    public Map<String, Duration> asMap() {
        return limits;
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GateLimits that && limits.equals(that.limits);
    }

    @Override
    public int hashCode() {
        return limits.hashCode();
    }

    @Override
    public String toString() {
        return limits.isEmpty() ? "none" : limits.toString();
    }
}
