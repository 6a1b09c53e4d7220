package io.attribution.bench;

import io.attribution.avro.Campaign;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Durable ingest throughput with every check on, as a ratio to a trivial servlet answering 200 on
 * the same Jetty configuration in the same run (target: at least 0.7).
 *
 * <ul>
 *   <li><b>I</b>ngest: the real {@link IngestServer} on an embedded broker and registry: a campaign
 *   with a security token and an IP allow-list that the load passes, answers only after acks=all;
 *   the per-client rate limit raised so it does not throttle the load generator.</li>
 *   <li><b>T</b>rivial: the same thread pool, connector, HTTP configuration and handler chain
 *   (graceful, rate limit, concurrency limit, size limit, servlet context) around a servlet that
 *   answers 200 {@code {"status":"accepted"}} ({@link TrivialServer}).</li>
 * </ul>
 * Both get the same load ({@link PostbackLoad}): N keep-alive connections from 127.0.0.1, each
 * sending the same postback GETs back to back, for a fixed time per round, in the order T,I,T,I,...
 * after one warm-up round each. Reported: requests/s per round, the median of each, and
 * median(I) / median(T). Not a test: run it by hand (see {@code bench/README.md}). Arguments:
 * {@code name=value}, see {@link IngestBenchOptions}.
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

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            prepareTopics(broker.bootstrapServers(), serdes);
            IngestConfig config = IngestConfig.builder().port(0).maxRequestsPerSecond(1_000_000).build();
            try (IngestServer ingest = IngestServer.start(config, broker.bootstrapServers(), serdes);
                 TrivialServer trivial = TrivialServer.start(config)) {
                List<IngestRound> rounds = run(options, ingest.port(), trivial.port());
                String producer = producerMetrics();
                long stored = storedPostbacks(broker.bootstrapServers());
                IngestThroughputReport.append(options, rounds, stored, loadBefore, producer);
            }
        }
        // Jetty's, Kafka's and the registry client's threads would keep the JVM alive.
        System.exit(0);
    }

    private static List<IngestRound> run(IngestBenchOptions options, int ingestPort, int trivialPort)
            throws Exception {
        PostbackLoad.Result check = PostbackLoad.run("check", ingestPort, 1, Duration.ofMillis(200));
        if (check.ok() == 0 || !check.statuses().keySet().equals(Set.of(200))) {
            throw new IllegalStateException("ingest does not accept the benchmark postback: " + check.statuses());
        }
        List<IngestRound> rounds = new ArrayList<>();
        rounds.add(new IngestRound("T", true, PostbackLoad.run("T", trivialPort, options.connections(),
                options.warmup())));
        rounds.add(new IngestRound("I", true, PostbackLoad.run("I", ingestPort, options.connections(),
                options.warmup())));
        for (int i = 0; i < options.rounds(); i++) {
            rounds.add(new IngestRound("T", false, PostbackLoad.run("T", trivialPort, options.connections(),
                    options.round())));
            rounds.add(new IngestRound("I", false, PostbackLoad.run("I", ingestPort, options.connections(),
                    options.round())));
        }
        rounds.add(new IngestRound("check", true, check));
        return rounds;
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
                    new NewTopic(Topics.CAMPAIGNS.name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Campaign campaign = Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("bench-adv")
                .setGoals(List.of()).setSecurityToken(TOKEN).setAllowedIps(List.of("127.0.0.1/32", "::1")).build();
        try (KafkaProducer<String, Campaign> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), serdes.valueSerializer(Topics.CAMPAIGNS))) {
            producer.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), CAMPAIGN, campaign)).get();
        }
    }

    private static long storedPostbacks(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(Topics.POSTBACKS_RAW.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }
}
