package dev.flowmeter.streams.gates;

/**
 * One finished pass of an item through a gate, as the value stream's timelines read it: when it was queued and
 * started ({@code null} when not known), when it finished and how. Stored under
 * {@code service|item|gate|finished-at} (the item escaped), so that one read finds every gate an item passed.
 */
public record FinishedPass(Long queuedAt, Long startedAt, long finishedAt, String outcome) {
}
