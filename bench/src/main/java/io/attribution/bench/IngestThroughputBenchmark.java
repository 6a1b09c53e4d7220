package io.attribution.bench;

import io.attribution.avro.Campaign;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.ingest.ClickDurability;
import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Durable ingest throughput with every check on, next to two baselines on the same Jetty
 * configuration in the same run:
 *
 * <ul>
 *   <li><b>I</b>ngest: the real {@link IngestServer}: a campaign with a security token and an IP
 *   allow-list that the load passes, answers only after acks=all; the per-client rate limit raised so
 *   it does not throttle the load generator.</li>
 *   <li><b>D</b>urable trivial: the same Jetty around an async servlet that sends pre-serialized
 *   postback bytes through a producer with ingest's settings and answers after the ack
 *   ({@link TrivialServer#durable}): durability without ingest's own work (target: ingest at least 0.7
 *   of it).</li>
 *   <li><b>T</b>rivial: the same Jetty around a servlet that answers 200 at once, no Kafka
 *   ({@link TrivialServer#start}).</li>
 *   <li>Click: the real ingest server's {@code /click} (the campaign has a landing URL), answering 302
 *   after the broker's ack; and click-none: a second ingest server whose {@code /click} answers once the
 *   producer has the click ({@code ingest.click.durability=none}).</li>
 * </ul>
 * The broker runs in a child process ({@link BrokerProcess}), so this process's CPU is the load
 * generator's and the servers'; the broker's is measured apart. All get the same load
 * ({@link PostbackLoad}): N keep-alive connections from 127.0.0.1, each sending postback GETs back
 * to back, for a fixed time per round, in the order T,D,I,T,D,I,... after a warm-up round each.
 * Not a test: run it by hand (see {@code bench/README.md}). Arguments: {@code name=value}, see
 * {@link IngestBenchOptions}.
 */
public final class IngestThroughputBenchmark {

    static final String TOKEN = "bench-token-5d2f";
    static final String CAMPAIGN = "bench-campaign";

    private IngestThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the table.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        IngestBenchOptions options = IngestBenchOptions.parse(args);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        try (BrokerProcess broker = BrokerProcess.start("1g");
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            prepareTopics(broker.bootstrapServers(), serdes);
            IngestConfig config = IngestConfig.builder().port(0).maxRequestsPerSecond(1_000_000).build();
            byte[] postback = serdes.valueSerializer(Topics.POSTBACKS_RAW).serialize(Topics.POSTBACKS_RAW.name(),
                    BenchPostbacks.of("bench", 0, "bench-click-0", true, Instant.now()));
            try (IngestServer ingest = IngestServer.start(config, broker.bootstrapServers(), serdes);
                 TrivialServer durable = TrivialServer.durable(config, broker.bootstrapServers(),
                         Topics.POSTBACKS_RAW.name(), postback);
                 TrivialServer trivial = TrivialServer.start(config);
                 IngestServer fireAndForget = IngestServer.start(IngestConfig.builder().port(0)
                         .maxRequestsPerSecond(1_000_000).clickDurability(ClickDurability.NONE).build(),
                         broker.bootstrapServers(), serdes)) {
                Map<String, Integer> ports = new LinkedHashMap<>();
                ports.put(IngestRound.TRIVIAL, trivial.port());
                ports.put(IngestRound.DURABLE, durable.port());
                ports.put(IngestRound.INGEST, ingest.port());
                ports.put(IngestRound.CLICK, ingest.port());
                ports.put(IngestRound.CLICK_NONE, fireAndForget.port());
                List<IngestRound> rounds = run(options, ports, broker::cpuNanos);
                String producer = producerMetrics();
                long stored = storedRecords(broker.bootstrapServers(), Topics.POSTBACKS_RAW.name());
                long clicks = storedRecords(broker.bootstrapServers(), Topics.CLICKS.name());
                IngestThroughputReport.append(options, rounds, stored, clicks, loadBefore, producer);
            }
        }
        // Jetty's, Kafka's and the registry client's threads would keep the JVM alive.
        System.exit(0);
    }

    private static List<IngestRound> run(IngestBenchOptions options, Map<String, Integer> ports,
                                         LongSupplier brokerCpu) throws Exception {
        for (String server : List.of(IngestRound.DURABLE, IngestRound.INGEST, IngestRound.CLICK,
                IngestRound.CLICK_NONE)) {
            boolean clicks = IngestRound.isClick(server);
            PostbackLoad.Result check = PostbackLoad.run("check", ports.get(server), 1, Duration.ofMillis(200),
                    brokerCpu, clicks);
            if (check.ok() == 0 || !check.statuses().keySet().equals(Set.of(clicks ? 302 : 200))) {
                throw new IllegalStateException(server + " does not accept the benchmark request: "
                        + check.statuses());
            }
        }
        List<IngestRound> rounds = new ArrayList<>();
        for (Map.Entry<String, Integer> server : ports.entrySet()) {
            progress("warm-up on %s, %d s", server.getKey(), options.warmup().toSeconds());
            rounds.add(new IngestRound(server.getKey(), true, PostbackLoad.run(server.getKey(), server.getValue(),
                    options.connections(), options.warmup(), brokerCpu, IngestRound.isClick(server.getKey()))));
        }
        for (int i = 1; i <= options.rounds(); i++) {
            for (Map.Entry<String, Integer> server : ports.entrySet()) {
                PostbackLoad.Result result = PostbackLoad.run(server.getKey(), server.getValue(),
                        options.connections(), options.round(), brokerCpu, IngestRound.isClick(server.getKey()));
                progress("round %d, %s: %,.0f req/s, p99 %.2f ms, %s", i, server.getKey(), result.perSecond(),
                        result.percentileMillis(99), result.statuses());
                rounds.add(new IngestRound(server.getKey(), false, result));
            }
        }
        return rounds;
    }

    private static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    /** The ingest producer's own view (last 30 s window, i.e. the last ingest round): where a postback waits. */
    private static String producerMetrics() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("kafka.producer:type=producer-metrics,client-id=postback-ingest");
            StringBuilder line = new StringBuilder("ingest producer (last window):");
            for (String metric : List.of("record-queue-time-avg", "record-queue-time-max", "request-latency-avg",
                    "request-latency-max", "records-per-request-avg", "batch-size-avg", "requests-in-flight",
                    "record-send-rate", "request-rate", "io-wait-ratio")) {
                Object value = server.getAttribute(name, metric);
                line.append(String.format(Locale.ROOT, " %s=%.2f", metric, ((Number) value).doubleValue()));
            }
            return line.toString();
        } catch (Exception e) {
            return "ingest producer metrics unavailable: " + e;
        }
    }

    private static void prepareTopics(String bootstrapServers, RegistrySerdes serdes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(Topics.POSTBACKS_RAW.name(), 3, (short) 1),
                    new NewTopic(Topics.CLICKS.name(), 3, (short) 1),
                    new NewTopic(Topics.CAMPAIGNS.name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Campaign campaign = Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("bench-adv")
                .setGoals(List.of()).setSecurityToken(TOKEN).setAllowedIps(List.of("127.0.0.1/32", "::1"))
                .setLandingUrl("https://shop.example/land?click_id={click_id}&aff={affiliate_id}&s1={sub1}&s2={sub2}")
                .build();
        try (KafkaProducer<String, Campaign> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), serdes.valueSerializer(Topics.CAMPAIGNS))) {
            producer.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), CAMPAIGN, campaign)).get();
        }
    }

    private static long storedRecords(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }
}
