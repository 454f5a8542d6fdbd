package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.gates.GateQuery;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.state.StoreLookup;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class GatesRouteTest {

    private static final Instant NOW = Instant.parse("2026-05-10T03:00:00Z");
    private static final GateLimits LIMITS = GateLimits.of(Map.of("code-review", Duration.ofHours(6)));
    /** The waiting store as the topology writes it: service|gate|item to queued-at epoch millis. */
    private static final NavigableMap<String, Long> WAITING = new TreeMap<>(Map.of(
            "shop/checkout|code-review|PR-1", Instant.parse("2026-05-09T20:00:00Z").toEpochMilli(),
            "shop/checkout|code-review|PR-2", Instant.parse("2026-05-09T22:00:00Z").toEpochMilli(),
            "shop/cart|qa|build-7", Instant.parse("2026-05-09T21:00:00Z").toEpochMilli()));

    private static Javalin app(StoreLookup stores) {
        GatesRoute route = new GatesRoute(new GateQuery(stores, Clock.fixed(NOW, ZoneOffset.UTC), LIMITS),
                Peers.alone(2));
        return Javalin.create(config -> {
            Problems.register(config);
            route.register(config);
        });
    }

    @Test
    void shouldListTheStalledItemsWithAgeAndLimitWhenAskedForStalled() {
        JavalinTest.test(app(new MapStores(WAITING)), (server, client) -> {
            Response response = client.get("/api/v1/gates?status=stalled");

            // PR-1: 03:00 - 20:00 = 7 h = 25200 s, more than code-review's 6 h (21600 s).
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("{\"status\":\"stalled\",\"items\":[{\"service\":"
                    + "\"shop/checkout\",\"gate\":\"code-review\",\"item\":\"PR-1\",\"since\":\"2026-05-09T20:00:00Z\","
                    + "\"ageSeconds\":25200,\"limitSeconds\":21600,\"stalled\":true}],\"truncated\":false,"
                    + "\"partial\":false,\"partitions\":{\"answered\":2,\"total\":2}}");
        });
    }

    @Test
    void shouldListEveryWaitingItemOfTheServiceOldestFirstWhenAskedForWaiting() {
        JavalinTest.test(app(new MapStores(WAITING)), (server, client) -> {
            String body = client.get("/api/v1/gates?status=waiting&service=shop/checkout").body().string();

            assertThat(body).contains("\"item\":\"PR-1\"", "\"item\":\"PR-2\"").doesNotContain("build-7");
            assertThat(body.indexOf("PR-1")).isLessThan(body.indexOf("PR-2"));
            assertThat(client.get("/api/v1/gates?gate=qa").body().string())
                    .contains("\"item\":\"build-7\"", "\"limitSeconds\":null", "\"stalled\":false");
        });
    }

    @Test
    void shouldAnswer400NamingTheParameterWhenTheStatusIsUnknown() {
        JavalinTest.test(app(new MapStores(WAITING)), (server, client) -> {
            Response response = client.get("/api/v1/gates?status=stuck");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"status must be waiting or stalled, got "
                    + "'stuck'\"", "\"field\":\"status\"");
        });
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheStateCannotBeReadYet() {
        StoreLookup restoring = new StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                throw new InvalidStateStoreException("restoring");
            }
        };
        JavalinTest.test(app(restoring), (server, client) -> {
            Response response = client.get("/api/v1/gates");

            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
            assertThat(response.body().string()).contains("retry later");
        });
    }

    /** Serves the waiting store from a sorted map, as RocksDB would (keys in byte order, here all ASCII). */
    private static final class MapStores implements StoreLookup {
        private final NavigableMap<String, Long> waiting;

        MapStores(NavigableMap<String, Long> waiting) {
            this.waiting = waiting;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
            assertThat(name).isEqualTo(Gates.WAITING_STORE);
            return (ReadOnlyKeyValueStore<String, V>) new ReadOnlyKeyValueStore<String, Long>() {
                @Override
                public Long get(String key) {
                    return waiting.get(key);
                }

                @Override
                public KeyValueIterator<String, Long> range(String from, String to) {
                    return iterator(waiting.subMap(from, true, to, true));
                }

                @Override
                public KeyValueIterator<String, Long> all() {
                    return iterator(waiting);
                }

                @Override
                public long approximateNumEntries() {
                    return waiting.size();
                }
            };
        }

        private static KeyValueIterator<String, Long> iterator(Map<String, Long> entries) {
            Iterator<Map.Entry<String, Long>> it = entries.entrySet().iterator();
            return new KeyValueIterator<>() {
                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, Long> next() {
                    Map.Entry<String, Long> next = it.next();
                    return KeyValue.pair(next.getKey(), next.getValue());
                }
            };
        }
    }
}
