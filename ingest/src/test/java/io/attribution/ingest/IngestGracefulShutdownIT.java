package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the ingest server while postbacks are in flight: whatever answer a client got must be
 * true. A 200 means the record is on {@code postbacks.raw} (read_committed); any other answer
 * means it is not; no answer at all (refused, reset) may go either way. Requests already being
 * handled when the close starts are finished, not cut off, and the close returns within its
 * drain timeout.
 */
class IngestGracefulShutdownIT {

    /** IngestServer's drain timeout: the longest close() may wait for requests in flight. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    private static final int SLOW = 10;
    private static final int QUICK = 40;
    private static final int HELD_BACK = 100;
    private static final TopicPartition PARTITION = new TopicPartition(Topics.POSTBACKS_RAW.name(), 0);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        broker = EmbeddedKafkaBroker.start();
        registry = registryStart.join();
        RawPostbackTopic.create(broker.bootstrapServers(), registry.registryUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One request of the test and the answer it got. */
    private record Outcome(String clickId, boolean slow, RawHttp.Answer answer) {
    }

    @Test
    void everyAnswerIsTrueWhenTheServerClosesWithPostbacksInFlight() throws Exception {
        IngestServer ingest = IngestServer.start(IngestConfig.builder().port(0).maxRequestsPerSecond(100_000).build(),
                broker.bootstrapServers(), new RegistrySerdes(registry.registryUrl()));
        URI uri = ingest.uri();
        // Producer metadata and the schema id are in place: what follows measures the close, not a cold start.
        assertThat(RawHttp.exchange(uri, "GET", "/postback?click_id=warm-up", null, new byte[0]).status()).isEqualTo(200);

        // Slow requests: headers and most of the body are in, the servlet is reading the rest.
        List<Socket> slowSockets = new ArrayList<>();
        List<byte[]> slowBodies = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            // About 3.9 KB: a large body, within the parameters a postback may carry.
            byte[] body = ("click_id=shutdown-slow-" + i + ("&pad=" + "p".repeat(960)).repeat(4))
                    .getBytes(StandardCharsets.US_ASCII);
            Socket socket = RawHttp.connect(uri);
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.head("POST", "/postback", "application/x-www-form-urlencoded", body.length));
            out.write(body, 0, body.length - HELD_BACK);
            out.flush();
            slowSockets.add(socket);
            slowBodies.add(body);
        }
        Thread.sleep(300);

        // Quick requests fired all at once, and the close right behind them.
        ExecutorService clients = Executors.newFixedThreadPool(QUICK);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> quick = new ArrayList<>();
        for (int i = 0; i < QUICK; i++) {
            String clickId = "shutdown-quick-" + i;
            quick.add(clients.submit(() -> {
                go.await();
                return new Outcome(clickId, false, quickGet(uri, clickId));
            }));
        }
        go.countDown();
        Thread.sleep(5);
        long closeStart = System.nanoTime();
        CompletableFuture<Duration> closed = CompletableFuture.supplyAsync(() -> {
            ingest.close();
            return Duration.ofNanos(System.nanoTime() - closeStart);
        });

        // The close has begun once the port refuses connections; then the slow bodies complete.
        awaitRefused(uri);
        assertThat(closed).as("close() must wait for the requests being read").isNotDone();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            Socket socket = slowSockets.get(i);
            byte[] body = slowBodies.get(i);
            socket.getOutputStream().write(body, body.length - HELD_BACK, HELD_BACK);
            socket.getOutputStream().flush();
        }
        for (int i = 0; i < SLOW; i++) {
            try (Socket socket = slowSockets.get(i)) {
                outcomes.add(new Outcome("shutdown-slow-" + i, true, RawHttp.read(socket, closeStart)));
            }
        }
        for (Future<Outcome> future : quick) {
            outcomes.add(future.get(60, TimeUnit.SECONDS));
        }
        clients.shutdown();
        Duration closeTook = closed.get(60, TimeUnit.SECONDS);

        Map<String, List<RawPostback>> stored = storedByClickId();
        int accepted = 0;
        int refused = 0;
        int unanswered = 0;
        int storedUnanswered = 0;
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (Outcome outcome : outcomes) {
            int status = outcome.answer().status();
            statuses.merge(status, 1, Integer::sum);
            List<RawPostback> records = stored.getOrDefault(outcome.clickId(), List.of());
            assertThat(records).as("records of %s", outcome.clickId()).hasSizeLessThanOrEqualTo(1);
            if (status == 200) {
                accepted++;
                assertThat(records).as("the record of %s, answered 200", outcome.clickId())
                        .extracting(RawPostback::getRequestId).containsExactly(outcome.answer().field("request_id"));
            } else if (status == -1) {
                unanswered++;
                storedUnanswered += records.size();
            } else {
                refused++;
                assertThat(status).as("%s: %s", outcome.clickId(), outcome.answer().body()).isEqualTo(503);
                assertThat(records).as("records of %s, answered %d", outcome.clickId(), status).isEmpty();
            }
            if (outcome.slow()) {
                assertThat(status).as("%s was being read when the close began: %s", outcome.clickId(),
                        outcome.answer().body()).isEqualTo(200);
            }
        }
        long testRecords = stored.values().stream().mapToLong(List::size).sum();
        System.out.printf("Graceful shutdown: %d requests (%d slow, %d quick), answers by status %s: %d answered 200,"
                        + " %d refused, %d unanswered of which %d stored; %d records; close() took %d ms%n",
                outcomes.size(), SLOW, QUICK, statuses, accepted, refused, unanswered, storedUnanswered, testRecords,
                closeTook.toMillis());

        assertThat(outcomes).hasSize(SLOW + QUICK);
        assertThat(accepted + refused + unanswered).isEqualTo(SLOW + QUICK);
        assertThat(accepted).isGreaterThanOrEqualTo(SLOW);
        assertThat(testRecords).as("records = answered 200 + stored without an answer")
                .isEqualTo(accepted + storedUnanswered);
        assertThat(stored.keySet()).as("every record belongs to a request of the test")
                .allSatisfy(clickId -> assertThat(outcomes).anySatisfy(o -> assertThat(o.clickId()).isEqualTo(clickId)));
        assertThat(closeTook).isLessThan(DRAIN_TIMEOUT);
    }

    private static RawHttp.Answer quickGet(URI uri, String clickId) {
        try {
            return RawHttp.exchange(uri, "GET", "/postback?click_id=" + clickId + "&txn_id=t-" + clickId, null,
                    new byte[0]);
        } catch (IOException refusedOrReset) {
            return new RawHttp.Answer(-1, refusedOrReset.toString(), "", Duration.ZERO);
        }
    }

    private static void awaitRefused(URI uri) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = RawHttp.connect(uri)) {
                Thread.sleep(10);
            } catch (ConnectException refused) {
                return;
            }
        }
        throw new AssertionError("the server kept accepting connections after close() began");
    }

    /** Every record of this test on the topic (read_committed), by click id. */
    private static Map<String, List<RawPostback>> storedByClickId() {
        Map<String, List<RawPostback>> byClickId = new HashMap<>();
        try (KafkaConsumer<String, RawPostback> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "shutdown-it-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new RegistrySerdes(registry.registryUrl()).valueDeserializer(Topics.POSTBACKS_RAW))) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long end = consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(10)).get(PARTITION);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(PARTITION) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, RawPostback> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(record.value().getClickId());
                    if (record.key().startsWith("shutdown-")) {
                        byClickId.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    }
                }
            }
            assertThat(consumer.position(PARTITION)).as("read to the end").isGreaterThanOrEqualTo(end);
        }
        return byClickId;
    }
}
