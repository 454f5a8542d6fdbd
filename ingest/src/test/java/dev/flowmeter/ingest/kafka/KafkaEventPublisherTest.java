package dev.flowmeter.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    /** 2026-05-01T10:00:00Z: 20,574 days after the epoch plus ten hours. */
    private static final long MAY_FIRST_TEN_MILLIS = 1_777_629_600_000L;

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final KafkaEventPublisher publisher = new KafkaEventPublisher(producer, Duration.ofSeconds(1));

    private final DeliveryEvent commit =
            new CommitRecorded("commit-1", Instant.parse("2026-05-01T10:00:00Z"), "checkout", SHA, List.of());
    private final DeliveryEvent queued =
            new GateQueued("gate-1", Instant.parse("2026-05-01T10:00:00.250Z"), "payments", "code-review", "17");

    @Test
    void shouldWriteEventsKeyedByServiceWithEventTimeWhenPublishing() {
        publisher.publish(List.of(commit, queued));

        List<ProducerRecord<String, byte[]>> records = producer.history();
        assertThat(records).extracting(ProducerRecord::topic)
                .containsExactly("flowmeter.events.v1", "flowmeter.events.v1");
        assertThat(records).extracting(ProducerRecord::key).containsExactly("checkout", "payments");
        assertThat(records).extracting(ProducerRecord::timestamp)
                .containsExactly(MAY_FIRST_TEN_MILLIS, MAY_FIRST_TEN_MILLIS + 250);
        assertThat(records).extracting(r -> Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .containsExactly(commit, queued);
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
