package dev.flowmeter.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flowmeter.events.ArtifactBuilt;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaEventPublisherTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final KafkaEventPublisher publisher = new KafkaEventPublisher(producer, Duration.ofSeconds(1),
            KafkaEventPublisher.DEFAULT_MAX_EVENT_BYTES);

    private final Logger logger = (Logger) LoggerFactory.getLogger(KafkaEventPublisher.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private final DeliveryEvent commit =
            new CommitRecorded("commit-1", Instant.parse("2026-05-01T10:00:00Z"), "checkout", SHA, List.of());
    private final DeliveryEvent queued =
            new GateQueued("gate-1", Instant.parse("2026-05-01T10:00:00.250Z"), "payments", "code-review", "17");

    /**
     * No record timestamp is given, so the producer stamps each record with the time it is written: a broker refuses
     * timestamps more than an hour ahead of its clock, which an event's own time may be. The event time stays in the
     * value, where the topology reads it.
     */
    @Test
    void shouldWriteEventsKeyedByServiceStampedWithTheIngestTimeWhenPublishing() {
        publisher.publish(List.of(commit, queued));

        List<ProducerRecord<String, byte[]>> records = producer.history();
        assertThat(records).extracting(ProducerRecord::topic)
                .containsExactly("flowmeter.events.v1", "flowmeter.events.v1");
        assertThat(records).extracting(ProducerRecord::key).containsExactly("checkout", "payments");
        assertThat(records).extracting(ProducerRecord::timestamp).containsExactly(null, null);
        assertThat(records).extracting(r -> Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .containsExactly(commit, queued);
    }

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    private static long recordBytes(DeliveryEvent event) {
        return Topics.EVENTS.valueSerde().serializer().serialize("t", event).length
                + event.service().getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shouldCompleteOnlyWhenKafkaAcknowledgedEveryRecord() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit, queued));

        assertThat(published).isNotDone();
        producer.completeNext();
        assertThat(published).isNotDone();
        producer.completeNext();
        assertThat(published).isCompleted();
    }

    @Test
    void shouldCompleteAtOnceWhenThereIsNothingToPublish() {
        assertThat(publisher.publish(List.of())).isCompleted();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldFailWithKafkaUnavailableWhenARecordIsNotAcknowledged() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit, queued));

        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for flowmeter.events.v1-0"));

        assertThatThrownBy(published::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(KafkaUnavailableException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void shouldRefuseBeforeSendingAnythingWhenAnEventIsTooLargeForOneRecord() {
        KafkaEventPublisher small = new KafkaEventPublisher(producer, Duration.ofSeconds(1), 200);
        // The commit fits in 200 bytes with its key ("checkout"); the artifact, with two commits, does not.
        DeliveryEvent artifact = new ArtifactBuilt("artifact-1", Instant.parse("2026-05-01T10:00:00Z"), "checkout",
                SHA, List.of(SHA, SHA.replace('0', 'f')));
        assertThat(Topics.EVENTS.valueSerde().serializer().serialize("t", commit).length + 8).isLessThan(200);

        CompletableFuture<Void> published = small.publish(List.of(commit, artifact));

        assertThat(producer.history()).isEmpty();
        assertThatThrownBy(published::get).cause().isInstanceOfSatisfying(KafkaRefusedException.class, refused -> {
            assertThat(refused.reason()).isEqualTo(KafkaRefusedException.Reason.TOO_LARGE);
            assertThat(refused.index()).isEqualTo(1);
            assertThat(refused.eventId()).isEqualTo("artifact-1");
            assertThat(refused.getMessage()).isEqualTo("event 'artifact-1' is " + recordBytes(artifact) + " bytes "
                    + "as a Kafka record; the limit is 200 bytes per event (the producer's max.request.size less "
                    + "4096 bytes for the record's framing), so nothing of the request was written; split the event "
                    + "into smaller ones");
        });
    }

    @Test
    void shouldFailWithRefusedTooLargeWhenTheBrokerRefusesTheRecordAnyway() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit, queued));

        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));

        assertThatThrownBy(published::get).cause().isInstanceOfSatisfying(KafkaRefusedException.class, refused -> {
            assertThat(refused.reason()).isEqualTo(KafkaRefusedException.Reason.TOO_LARGE);
            assertThat(refused.index()).isEqualTo(1);
            assertThat(refused.eventId()).isEqualTo("gate-1");
            assertThat(refused.getMessage()).isEqualTo("Kafka refused event 'gate-1' as too large for one record "
                    + "(RecordTooLargeException: The message is 2000000 bytes when serialized); make the event "
                    + "smaller. Events before it may have been written; they count once when the request is resent");
            assertThat(refused).hasCauseInstanceOf(RecordTooLargeException.class);
        });
        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR);
    }

    @Test
    void shouldFailWithRefusedTimestampNotUnavailableWhenTheBrokerRefusesTheTimestamp() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit));

        producer.errorNext(new InvalidTimestampException("Timestamp 1777629600000 of message is out of range"));

        assertThatThrownBy(published::get).cause().isInstanceOfSatisfying(KafkaRefusedException.class, refused -> {
            assertThat(refused.reason()).isEqualTo(KafkaRefusedException.Reason.INVALID_TIMESTAMP);
            assertThat(refused.index()).isZero();
            assertThat(refused.getMessage()).startsWith("Kafka refused the record timestamp of event 'commit-1' "
                    + "(InvalidTimestampException: Timestamp 1777629600000 of message is out of range); records are "
                    + "stamped with the server's clock");
        });
        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR);
    }

    @Test
    void shouldFailWithUnavailableWithoutAnErrorLogWhenTheFailureIsRetriable() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit));

        producer.errorNext(new NotEnoughReplicasException("Messages are rejected since there are fewer in-sync "
                + "replicas than required"));

        assertThatThrownBy(published::get).cause().isInstanceOf(KafkaUnavailableException.class)
                .hasCauseInstanceOf(NotEnoughReplicasException.class);
        assertThat(logged.list).isEmpty();
    }

    /** The sender cannot fix missing ACLs: 503 keeps its data safe, and the log tells a person what to fix. */
    @Test
    void shouldFailWithUnavailableAndLogForAPersonWhenTheServerIsNotAuthorised() {
        CompletableFuture<Void> published = publisher.publish(List.of(commit, queued));

        producer.errorNext(new TopicAuthorizationException("Not authorized to access topics: [flowmeter.events.v1]"));
        producer.errorNext(new TopicAuthorizationException("Not authorized to access topics: [flowmeter.events.v1]"));

        assertThatThrownBy(published::get).cause().isInstanceOf(KafkaUnavailableException.class)
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).isEqualTo("Kafka refused a write for a reason retrying does not "
                    + "cure; the server's Kafka client settings or the cluster need a look: "
                    + "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: "
                    + "[flowmeter.events.v1]");
        });
    }

    @Test
    void shouldTakeTheEventLimitFromMaxRequestSizeWhenOneIsGiven() {
        assertThat(KafkaEventPublisher.maxEventBytes(Map.of())).isEqualTo(1_044_480);
        assertThat(KafkaEventPublisher.maxEventBytes(Map.of("max.request.size", 2_097_152))).isEqualTo(2_093_056);
        assertThat(KafkaEventPublisher.maxEventBytes(Map.of("max.request.size", " 2097152 "))).isEqualTo(2_093_056);
        assertThatThrownBy(() -> KafkaEventPublisher.maxEventBytes(Map.of("max.request.size", "1MB")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max.request.size must be a number of bytes, was '1MB'");
        assertThatThrownBy(() -> KafkaEventPublisher.maxEventBytes(Map.of("max.request.size", 8192)))
                .hasMessage("max.request.size must be more than 8192 bytes, was 8192");
    }

    @Test
    void shouldFailWithoutSendingTheRestWhenSendThrows() {
        producer.sendException = new KafkaException("buffer exhausted");

        CompletableFuture<Void> published = publisher.publish(List.of(commit, queued));

        assertThat(published).isCompletedExceptionally();
        assertThatThrownBy(published::get).cause().isInstanceOf(KafkaUnavailableException.class);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldFailWithKafkaUnavailableWhenPublishingAfterClose() {
        publisher.close();

        CompletableFuture<Void> published = publisher.publish(List.of(commit));

        assertThatThrownBy(published::get).cause().isInstanceOf(KafkaUnavailableException.class);
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void shouldWriteRejectionToDeadLetterKeyedBySourceWhenRejecting() {
        Rejection rejection = new Rejection(Instant.parse("2026-05-02T08:00:00Z"), "api", "invalid_event",
                List.of(new FieldError("[0].sha", "is required")), "[{\"id\":\"a\"}]");

        CompletableFuture<Void> written = publisher.reject(rejection);
        producer.completeNext();

        assertThat(written).isCompleted();
        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("flowmeter.events.dead-letter.v1");
        assertThat(record.key()).isEqualTo("api");
        assertThat(Topics.DEAD_LETTER.valueSerde().deserializer().deserialize(record.topic(), record.value()))
                .isEqualTo(rejection);
    }

    @Test
    void shouldSetDurableBoundedProducerSettingsOverridingCallerWhenBuildingConfig() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig(
                Map.of("bootstrap.servers", "broker:9092", "acks", "1"), Duration.ofSeconds(10));

        assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "broker:9092",
                "acks", "all",
                "enable.idempotence", true,
                "linger.ms", 5,
                "batch.size", 262_144,
                "compression.type", "lz4",
                "delivery.timeout.ms", 10_000,
                "request.timeout.ms", 5_000,
                "max.block.ms", 1_000L));
    }

    @Test
    void shouldRefuseDeliveryTimeoutWhenShorterThan100Millis() {
        assertThatThrownBy(() -> KafkaEventPublisher.producerConfig(Map.of(), Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deliveryTimeout must be at least 100 ms, was 99 ms");
    }

    @Test
    void shouldFailWithKafkaUnavailableWhenNoBrokerAnswers() {
        try (KafkaEventPublisher unreachable = new KafkaEventPublisher(
                Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofMillis(500))) {

            CompletableFuture<Void> published = unreachable.publish(List.of(commit, queued));

            assertThat(published).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(KafkaUnavailableException.class);
        }
    }
}
