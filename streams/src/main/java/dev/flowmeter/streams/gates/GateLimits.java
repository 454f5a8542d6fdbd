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
 *
 * <p>A gate that holds a deployment for one environment is named {@code <gate>:<environment>}, as the GitHub and
 * GitLab adapters name their approval gates ({@code approval:production}). Such a gate takes the limit set for it by
 * that full name, else the limit of {@code <gate>}, else the default: {@code change-approval=4h,
 * change-approval:production=2h} gives production 2 h and every other environment 4 h.
 */
public final class GateLimits {

    /** The gate name that sets the limit of every gate not named. */
    public static final String DEFAULT = "default";
    /** Separates a gate from the environment whose deployments it holds. */
    public static final char ENVIRONMENT_SEPARATOR = ':';
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
            if (gate.startsWith(DEFAULT + ENVIRONMENT_SEPARATOR)) {
                throw new IllegalArgumentException("'" + gate + "' is not a gate: the default has no environment;"
                        + " name the gate, as in change-approval" + gate.substring(DEFAULT.length()));
            }
            if (limit == null || limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("the limit of gate " + gate + " must be positive");
            }
            copy.put(gate, limit);
        });
        return copy.isEmpty() ? NONE : new GateLimits(Collections.unmodifiableMap(copy));
    }

    /**
     * The limit of {@code gate}: its own; else, for {@code <gate>:<environment>}, the limit of {@code <gate>}; else
     * the default; else none.
     */
    public Optional<Duration> limitFor(String gate) {
        Duration own = limits.get(gate);
        if (own == null) {
            int separator = gate.indexOf(ENVIRONMENT_SEPARATOR);
            if (separator > 0) {
                own = limits.get(gate.substring(0, separator));
            }
        }
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
