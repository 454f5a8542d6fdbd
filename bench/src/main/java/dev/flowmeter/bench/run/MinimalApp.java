package dev.flowmeter.bench.run;

import dev.flowmeter.events.Topics;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * The reference for topology throughput: the least a Kafka Streams application over the events topic can do with the
 * same guarantees. It parses each record's JSON with the events topic's own serde and keeps one stateful count per
 * service (the record key, so nothing is repartitioned), exactly once, with as many stream threads as Flowmeter.
 * {@code MinimalApp <bootstrap> <application id> <state dir> <stream threads>}.
 */
public final class MinimalApp {

    private MinimalApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: MinimalApp <bootstrap> <application id> <state dir> <stream threads>");
            System.exit(2);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.EVENTS.name(), Consumed.with(Serdes.String(), Topics.EVENTS.valueSerde()))
                .filter((service, event) -> event != null)
                .groupByKey()
                .count(Materialized.as("events-per-service"));
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args[3]));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }, "minimal-shutdown"));
        streams.start();
        stopped.await();
    }
}
