/**
 * Benchmarks: JMH benchmarks of the hot code ({@code dev.flowmeter.bench.micro}), the synthetic organisation
 * ({@code dev.flowmeter.bench.org}) and the driver behind {@code bench/run} ({@code dev.flowmeter.bench.run}).
 */
package dev.flowmeter.bench;
