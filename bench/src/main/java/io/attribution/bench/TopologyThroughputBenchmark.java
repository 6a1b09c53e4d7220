package io.attribution.bench;

import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Throughput and cost of the full attribution topology next to two baselines with the same inputs,
 * serdes and guarantee (a pass-through and a minimal stateful topology), and of the full topology
 * on a clicks-heavy mix, on one embedded broker in a child process and one embedded registry.
 * Not a test: run it by hand (see {@code bench/README.md}). Arguments: {@code name=value}, see
 * {@link BenchOptions}.
 */
public final class TopologyThroughputBenchmark {

    private static final String RESULT_FILE = "topology-throughput.txt";
    /** Rounds run faster than the round they are sized from (JIT, caches): more input keeps them long enough. */
    private static final double SIZING_MARGIN = 1.5;

    private TopologyThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the table.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        BenchOptions options = BenchOptions.parse(args);
        double loadBefore = loadAverage();
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        Path stateRoot = Files.createTempDirectory("topology-bench-state");
        try (BrokerProcess broker = BrokerProcess.start("1g");
             EmbeddedSchemaRegistry registry = registryStart.join();
             Admin admin = Admin.create(
                     Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            List<RoundResult> results = run(options, admin, broker, serdes, stateRoot);
            String report = Report.of(options, environment(loadBefore), results);
            System.out.print(report);
            Path file = ResultFiles.inTarget(RESULT_FILE);
            Files.writeString(file, report, StandardCharsets.UTF_8);
            System.out.println("written to " + file);
        } finally {
            registryStart.thenAccept(EmbeddedSchemaRegistry::close);
            Directories.deleteRecursively(stateRoot);
        }
        // The registry client's and Kafka's threads would keep the JVM alive.
        System.exit(0);
    }

    private static List<RoundResult> run(BenchOptions options, Admin admin, BrokerProcess broker,
                                         RegistrySerdes serdes, Path stateRoot) throws Exception {
        TopicProvisioner.ensureTopics(broker.bootstrapServers(), options.partitions(), (short) 1);
        createTopics(admin, options.partitions(), PassThroughTopology.OUTPUT_TOPICS,
                MinimalStatefulTopology.OUTPUT_TOPICS);
        List<RoundResult> results = new ArrayList<>();
        try (InputLoader loader = new InputLoader(broker.bootstrapServers(), serdes)) {
            loader.loadCampaign();
            RoundRunner runner = new RoundRunner(admin, broker, serdes, loader, stateRoot, options);
            // Each contender's fastest rate so far: a round sized from a slower one would end too soon.
            Map<String, Double> fastest = new HashMap<>();
            for (int round = 1; round <= options.warmupRounds() + options.rounds(); round++) {
                boolean warmup = round <= options.warmupRounds();
                int number = warmup ? round : round - options.warmupRounds();
                for (String name : options.contenders()) {
                    Contender contender = Contender.named(name);
                    long records = fastest.containsKey(name) ? Math.max(options.warmupRecords(), Math.min(
                            options.maxRecords(), (long) (fastest.get(name) * options.roundSeconds() * SIZING_MARGIN)))
                            : options.warmupRecords();
                    RoundResult result = runner.run(contender, number, warmup, records);
                    progress("%s %s%d: %,d clicks, %,d postbacks (loaded in %.1f s); %.2f s from RUNNING "
                                    + "(decided at %.2f s), %,.0f postbacks/s, %,.0f clicks/s; load average %.1f; %s",
                            name, warmup ? "warm-up " : "round ", number, result.input().clicks(),
                            result.input().postbacks(), result.load().toMillis() / 1000.0,
                            result.fromRunning().toMillis() / 1000.0, result.decisions().toMillis() / 1000.0,
                            result.postbacksPerSecond(), result.clicksPerSecond(), result.loadAverage(),
                            result.outputs());
                    results.add(result);
                    fastest.merge(name, result.recordsPerSecond(), Math::max);
                }
            }
        }
        return results;
    }

    @SafeVarargs
    private static void createTopics(Admin admin, int partitions, List<String>... names) throws Exception {
        admin.createTopics(Stream.of(names).flatMap(List::stream)
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty())).toList()).all().get();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String environment(double loadBefore) {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%s; machine: %d cores, max heap %d MiB, Java %s (%s), %s %s; Kafka %s; "
                        + "load average (1 min) %.2f before, %.2f after",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), runtime.availableProcessors(), runtime.maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.arch"), AppInfoParser.getVersion(), loadBefore, loadAverage());
    }

    private static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
