package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    private static final Duration STATE_WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @BeforeAll
    static void createTopic() {
        RawPostbackTopic.create(kit);
    }

    /** One request of the test and the answer it got. */
    private record Outcome(String clickId, boolean slow, RawHttp.Answer answer) {
    }

    @Test
    void everyAnswerIsTrueWhenTheServerClosesWithPostbacksInFlight() throws Exception {
        EdgeMetrics metrics = new EdgeMetrics();
        IngestServer ingest = IngestServer.start(IngestConfig.builder().port(0).maxRequestsPerSecond(100_000).build(),
                kit.bootstrapServers(), new RegistrySerdes(kit.registryUrl()), metrics.registry());
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
        await("every slow request held by the edge").atMost(STATE_WAIT).pollInterval(Duration.ofMillis(10))
                .until(metrics::inFlight, inFlight -> inFlight == SLOW);

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
        // The close starts once the edge has taken a quick request: holds one, or has answered one besides the
        // warm-up (the slow ones cannot be answered before the rest of their bodies comes).
        await("a quick request reached the edge").atMost(STATE_WAIT).pollInterval(Duration.ofMillis(1))
                .until(() -> metrics.inFlight() > SLOW || metrics.answered() > 1);
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

    private static void awaitRefused(URI uri) {
        await("the server refuses connections once close() began").atMost(STATE_WAIT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> refuses(uri));
    }

    private static boolean refuses(URI uri) throws IOException {
        try (Socket probe = RawHttp.connect(uri)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }

    /** Every record of this test on the topic (read_committed), by click id. */
    private static Map<String, List<RawPostback>> storedByClickId() {
        Map<String, List<RawPostback>> byClickId = new HashMap<>();
        for (ConsumerRecord<String, RawPostback> record : kit.readAll(Topics.POSTBACKS_RAW.name(),
                new StringDeserializer(), new RegistrySerdes(kit.registryUrl()).valueDeserializer(Topics.POSTBACKS_RAW))) {
            assertThat(record.key()).isEqualTo(record.value().getClickId());
            if (record.key().startsWith("shutdown-")) {
                byClickId.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
            }
        }
        return byClickId;
    }
}
