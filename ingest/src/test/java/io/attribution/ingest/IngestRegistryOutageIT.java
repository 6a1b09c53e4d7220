package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest edge when the schema registry fails: a registry that never answers costs a postback a
 * 503 in bounded time, not a request thread; a registry that restarts empty (in-memory storage)
 * never leaves a postback answered 200 that a fresh consumer cannot read.
 */
class IngestRegistryOutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(IngestRegistryOutageIT.class);
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @BeforeAll
    static void createTopic() {
        RawPostbackTopic.create(kit);
    }

    private static IngestConfig.Builder config() {
        return IngestConfig.builder().port(0).maxRequestsPerSecond(100_000)
                .registryRequestTimeout(REGISTRY_TIMEOUT).registryCheckInterval(Duration.ofMillis(500));
    }

    @Test
    void registryThatNeverAnswersGetsPostbacks503InTimeAndReadinessDown() throws Exception {
        IngestConfig config = config().build();
        try (SilentServer registry = new SilentServer()) {
            long startedAt = System.nanoTime();
            try (IngestServer ingest = IngestServer.start(config, kit.bootstrapServers(),
                    new RegistrySerdes("http://127.0.0.1:" + registry.port() + "/apis/registry/v2"))) {
                Duration start = Duration.ofNanos(System.nanoTime() - startedAt);
                IngestHttp http = new IngestHttp(ingest.uri());

                List<Duration> took = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    IngestHttp.Answer answer = http.get("/postback?click_id=silent-registry-" + i);
                    assertThat(answer.status()).as(answer.rawBody()).isEqualTo(503);
                    assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
                    assertThat(answer.field("status")).isEqualTo("unavailable");
                    took.add(answer.took());
                }
                IngestHttp.Answer readiness = http.get("/readyz");

                took.sort(null);
                LOG.info("Registry that never answers: ingest started in {} ms; 20 postbacks answered 503 in"
                                + " median {} ms, max {} ms", start.toMillis(), took.get(10).toMillis(),
                        took.get(19).toMillis());
                assertThat(start).as("start waits for the registry at most two bounded calls")
                        .isLessThan(REGISTRY_TIMEOUT.multipliedBy(2).plusSeconds(3));
                assertThat(took.get(19)).as("slowest answer").isLessThan(config.produceTimeout());
                assertThat(readiness.status()).as(readiness.rawBody()).isEqualTo(503);
                assertThat(readiness.field("registry")).isEqualTo("UNREGISTERED");
                assertThat(readiness.field("click_schema")).isEqualTo("UNREGISTERED");
            }
        }
    }

    /**
     * Postbacks go on arriving while the registry stops and starts again, empty, on the same port,
     * where a client of the old registry (a topology, say) registers other schemas first. Postbacks
     * sent before the registry stopped are not judged: they were written under ids of the old
     * registry and share its fate, whatever the edge does. Those stored after it stopped, before
     * the edge's next check noticed, are written again under the id the new registry holds.
     */
    @Test
    void registryRestartedEmptyNeverLeavesAPostbackAnswered200Unreadable() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        try {
            int port = registry.port();
            // Another schema first: the postbacks' content id is not the first one a fresh registry hands out.
            register(registry.registryUrl(), Topics.CAMPAIGNS);
            Queue<Sent> sent = new ConcurrentLinkedQueue<>();
            AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE_STOP);
            // Checked every 3 s: the edge stores postbacks for a while after the registry went, under
            // an id the restarted registry will not hold; those must be written again.
            try (IngestServer ingest = IngestServer.start(config().registryCheckInterval(Duration.ofSeconds(3)).build(),
                    kit.bootstrapServers(), new RegistrySerdes(registry.registryUrl()))) {
                IngestHttp http = new IngestHttp(ingest.uri());
                IngestServerIT.assertAccepted(http.get("/postback?click_id=before-restart"));
                ScheduledExecutorService load = startLoad(http, phase, sent);
                try {
                    registry.close();
                    phase.set(Phase.AFTER_STOP);
                    await("/readyz down while the registry is gone").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        IngestHttp.Answer readiness = http.get("/readyz");
                        assertThat(readiness.status()).isEqualTo(503);
                        assertThat(readiness.field("registry")).isEqualTo("UNVERIFIED");
                        assertThat(readiness.field("click_schema")).isEqualTo("UNVERIFIED");
                    });
                    registry = EmbeddedSchemaRegistry.start(port);
                    register(registry.registryUrl(), Topics.CLICKS);
                    register(registry.registryUrl(), Topics.CAMPAIGNS);
                    phase.set(Phase.AFTER_RESTART);
                    await("postbacks accepted again").atMost(Duration.ofSeconds(30)).until(() -> sent.stream()
                            .anyMatch(one -> one.phase() == Phase.AFTER_RESTART && one.status() == 200));
                    // The clicks' schema is checked on its own schedule: ready once both are confirmed.
                    await("/readyz up with both schemas confirmed").atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(http.get("/readyz").status()).isEqualTo(200));
                } finally {
                    load.shutdown();
                    load.awaitTermination(10, TimeUnit.SECONDS);
                }
            }

            List<Sent> judged = sent.stream().filter(one -> one.phase() != Phase.BEFORE_STOP).toList();
            Map<Integer, Long> statuses = judged.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
            LOG.info("Postbacks sent after the registry stopped, by status: {}", statuses);
            assertThat(statuses.keySet()).as("answers after the stop").containsOnly(200, 503).contains(503);
            assertThat(judged).as("postbacks stored before the edge learnt that the registry was gone")
                    .anyMatch(one -> one.phase() == Phase.AFTER_STOP && one.status() == 200);
            assertThat(unreadable(judged, registry.registryUrl()))
                    .as("postbacks answered 200 that a fresh consumer cannot read").isEmpty();
        } finally {
            registry.close();
        }
    }

    /** One postback every 20 ms, each noted with the phase it was sent in and its answer. */
    private static ScheduledExecutorService startLoad(IngestHttp http, AtomicReference<Phase> phase, Queue<Sent> sent) {
        AtomicInteger sequence = new AtomicInteger();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> {
            Phase at = phase.get();
            String clickId = "restart-" + sequence.incrementAndGet();
            try {
                IngestHttp.Answer answer = http.get("/postback?click_id=" + clickId);
                sent.add(new Sent(clickId, at, answer.status(), answer.requestId()));
            } catch (Exception e) {
                LOG.warn("Postback {} got no answer", clickId, e);
                sent.add(new Sent(clickId, at, -1, null));
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        return load;
    }

    /** The click ids of postbacks answered 200 whose record a fresh deserializer against the registry cannot read. */
    private static List<String> unreadable(List<Sent> sent, String registryUrl) {
        Map<String, byte[]> stored = kit.readAll(Topics.POSTBACKS_RAW.name(), new StringDeserializer(),
                new ByteArrayDeserializer()).stream().collect(Collectors.toMap(ConsumerRecord::key,
                ConsumerRecord::value, (first, second) -> second));
        List<String> unreadable = new ArrayList<>();
        try (Deserializer<RawPostback> fresh = new RegistrySerdes(registryUrl).valueDeserializer(Topics.POSTBACKS_RAW)) {
            for (Sent accepted : sent.stream().filter(one -> one.status() == 200).toList()) {
                if (!readsBack(fresh, stored.get(accepted.clickId()), accepted.requestId())) {
                    unreadable.add(accepted.clickId());
                }
            }
        }
        return unreadable;
    }

    private static boolean readsBack(Deserializer<RawPostback> fresh, byte[] stored, String requestId) {
        if (stored == null) {
            return false;
        }
        try {
            Object read = fresh.deserialize(Topics.POSTBACKS_RAW.name(), stored);
            return read instanceof RawPostback postback && postback.getRequestId().equals(requestId);
        } catch (RuntimeException e) {
            LOG.info("Record of request {} unreadable: {}", requestId, e.toString());
            return false;
        }
    }

    /** Registers a topic's schema in the registry, as a client writing that topic would. */
    private static <V extends SpecificRecord> void register(String registryUrl, Topic<V> topic) throws Exception {
        try (RegisteredSchema<V> schema = RegisteredSchema.start(registryUrl, topic, Duration.ofSeconds(5),
                Duration.ofHours(1))) {
            assertThat(schema.awaitFirstCheck()).as(topic + " schema registered").isTrue();
        }
    }

    /** Where the registry was when a postback was sent. */
    private enum Phase { BEFORE_STOP, AFTER_STOP, AFTER_RESTART }

    /** A postback of the load: when it was sent, and its answer (-1: none). */
    private record Sent(String clickId, Phase phase, int status, String requestId) {
    }
}
