/**
 * A synthetic organisation: a deterministic, streamed history of delivery events for many services
 * ({@link dev.flowmeter.bench.org.Organisation}), to pre-load Kafka for topology benchmarks
 * ({@link dev.flowmeter.bench.org.Preload}) and to check that such a history exercises every part of the topology
 * ({@link dev.flowmeter.bench.org.OrganisationCheck}).
 */
package dev.flowmeter.bench.org;
