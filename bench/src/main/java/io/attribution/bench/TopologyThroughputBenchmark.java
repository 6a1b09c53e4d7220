package io.attribution.bench;

import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Throughput of the full attribution topology against a pass-through topology with the same
 * inputs, serdes and guarantee, side by side on one embedded broker and one embedded registry.
 * Not a test: run it by hand (see {@code bench/README.md}). Arguments: {@code name=value}, see
 * {@link BenchOptions}.
 */
public final class TopologyThroughputBenchmark {

    private static final String RESULT_FILE = "topology-throughput.txt";

    private TopologyThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the table.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        BenchOptions options = BenchOptions.parse(args);
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        Path stateRoot = Files.createTempDirectory("topology-bench-state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = registryStart.join()) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            String report = run(options, broker.bootstrapServers(), serdes, stateRoot);
            System.out.print(report);
            Path file = ResultFiles.inTarget(RESULT_FILE);
            Files.writeString(file, report, StandardCharsets.UTF_8);
            System.out.println("written to " + file);
        } finally {
            registryStart.thenAccept(EmbeddedSchemaRegistry::close);
            Directories.deleteRecursively(stateRoot);
        }
    }

    private static String run(BenchOptions options, String bootstrapServers, RegistrySerdes serdes, Path stateRoot)
            throws Exception {
        TopicProvisioner.ensureTopics(bootstrapServers, options.partitions(), (short) 1);
        createTopics(bootstrapServers, PassThroughTopology.OUTPUT_TOPICS, options.partitions());
        progress("pre-loading %,d clicks and %,d postbacks", options.clicks(), options.postbacks());
        long loadStart = System.nanoTime();
        try (InputLoader loader = new InputLoader(bootstrapServers, serdes)) {
            loader.load(options.clicks(), options.postbacks());
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        RoundRunner runner = new RoundRunner(bootstrapServers, serdes, stateRoot, options);
        List<RoundResult> results = new ArrayList<>();
        for (int round = 1; round <= options.warmupRounds() + options.rounds(); round++) {
            boolean warmup = round <= options.warmupRounds();
            int number = warmup ? round : round - options.warmupRounds();
            for (Contender contender : List.of(Contender.PASS_THROUGH, Contender.FULL)) {
                RoundResult result = runner.run(contender, number, warmup);
                progress("%s %s%d: %.2f s from start, %,.0f postbacks/s; %s", contender.name(),
                        warmup ? "warmup " : "round ", number, result.fromStart().toMillis() / 1000.0,
                        result.perSecondFromStart(), result.outputs());
                results.add(result);
            }
        }
        return Report.of(options, environment(), loadSeconds, results);
    }

    private static void createTopics(String bootstrapServers, List<String> names, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(names.stream()
                    .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty())).toList()).all().get();
        }
    }

    private static String environment() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "machine: %d cores, max heap %d MiB, Java %s (%s), %s %s; Kafka %s",
                runtime.availableProcessors(), runtime.maxMemory() >> 20, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                AppInfoParser.getVersion());
    }

    private static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
