package io.attribution.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Latency of the query API with a million clicks in state: two instances of the attribution
 * topology in this process, each with its query API, on one embedded broker and registry;
 * sequential requests over HTTP/1.1 keep-alive, keyed (one partition, forwarded to its owner when
 * need be) and fan-out (every partition on both instances), next to the same keyed lookup made
 * in-process with IQv2. Not a test: run it by hand (see {@code bench/README.md}). Arguments:
 * {@code name=value}, see {@link QueryBenchOptions}.
 */
public final class QueryLatencyBenchmark {

    private static final String RESULT_FILE = "query-latency.txt";
    private static final long PROGRESS_EVERY = 100_000;
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration QUIET_PROGRESS = Duration.ofSeconds(30);
    /** Checks in a row with both instances RUNNING and no warm-up replica left: the assignment is final. */
    private static final int SETTLED_CHECKS = 5;
    /** Polls in a row with every offset caught up and unchanged: the application has nothing left to do. */
    private static final int STABLE_POLLS = 5;

    private QueryLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the table.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        QueryBenchOptions options = QueryBenchOptions.parse(args);
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        Path stateRoot = Files.createTempDirectory("query-bench-state");
        int exitCode;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = registryStart.join()) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            QueryLatencyReport report = run(options, broker.bootstrapServers(), serdes, stateRoot);
            String text = report.text();
            System.out.print(text);
            Path file = ResultFiles.inTarget(RESULT_FILE);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            System.out.println("written to " + file);
            exitCode = report.errors() > 0 ? 1 : 0;
            if (exitCode != 0) {
                System.err.println("[bench] some answers were wrong or failed: the latencies above leave them out");
            }
        } catch (Deadlocks.DeadlockFound e) {
            System.err.println("[bench] FAILED, " + e.getMessage());
            exitCode = 3;
        } catch (Exception | Error e) {
            System.err.println("[bench] FAILED");
            e.printStackTrace();
            exitCode = 2;
        } finally {
            registryStart.thenAccept(EmbeddedSchemaRegistry::close);
            Directories.deleteRecursively(stateRoot);
        }
        // Deadlocked or stuck Kafka Streams threads would keep the JVM alive.
        System.exit(exitCode);
    }

    private static QueryLatencyReport run(QueryBenchOptions options, String bootstrapServers, RegistrySerdes serdes,
                                          Path stateRoot) throws Exception {
        QueryLatencyReport report = new QueryLatencyReport(options);
        TopicProvisioner.ensureTopics(bootstrapServers, options.partitions(), (short) 1);
        progress("writing %d campaigns, %,d clicks and %,d postbacks", options.campaigns(), options.clicks(),
                options.postbacks());
        long writeStart = System.nanoTime();
        QueryInputLoader.Loaded loaded;
        try (QueryInputLoader loader = new QueryInputLoader(bootstrapServers, serdes, options)) {
            loaded = loader.load(line -> progress("%s", line));
        }
        report.writeSeconds = seconds(System.nanoTime() - writeStart);
        progress("written in %.1f s; postbacks per campaign on %s: %s", report.writeSeconds,
                loaded.postbackDay(), new TreeMap<>(loaded.postbacksByCampaign()));

        String applicationId = "query-bench-" + Long.toString(System.currentTimeMillis(), 36);
        List<QueryNode> nodes = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (int i = 0; i < 2; i++) {
                nodes.add(QueryNode.create(bootstrapServers, serdes, applicationId, stateRoot.resolve("instance-" + i),
                        options.threads(), options.partitions()));
            }
            QueryProbes probes = new QueryProbes(nodes, options, loaded);
            long cpuAtStart = ProcessCpu.nanos();
            long startedAt = System.nanoTime();
            nodes.forEach(QueryNode::start);
            progress("started instances %s and %s (application id %s)", nodes.get(0).name, nodes.get(1).name,
                    applicationId);
            long deadline = startedAt + options.loadTimeout().toNanos();

            Processed processed = awaitProcessed(admin, applicationId, nodes, options, startedAt, deadline);
            report.inputSeconds = seconds(processed.inputsAt() - startedAt);
            report.loadSeconds = seconds(processed.allAt() - startedAt);
            report.loadCpuSeconds = seconds(processed.cpuAt() - cpuAtStart);
            progress("LOADED: all %,d clicks and %,d postbacks processed and every decision read by the views, "
                    + "%.1f s after start (%.1f CPU-s of this process)", options.clicks(), options.postbacks(),
                    report.loadSeconds, report.loadCpuSeconds);
            report.settled = awaitSettled(nodes, deadline);
            report.settledSeconds = seconds(System.nanoTime() - startedAt);
            // Only now, with nothing left to write: a stats query while the stream thread writes the
            // stats store can deadlock both (see Deadlocks). Both instances must count every postback.
            awaitStats(probes, nodes, options, System.nanoTime() + Duration.ofMinutes(2).toNanos());
            for (QueryNode node : nodes) {
                report.ownership.put(node.name, node.activePartitions(Topics.CLICKS.name()) + " of clicks, "
                        + node.activePartitions(Topics.CONVERSIONS_ATTRIBUTED.name()) + " of views");
            }
            progress("assignment %s after %.1f s: %s", report.settled ? "final" : "NOT settled (warm-ups left)",
                    report.settledSeconds, report.ownership);
            report.outcomes = outcomes(probes, nodes.get(0), loaded);
            progress("stats of %s: %s", loaded.postbackDay(), report.outcomes);

            report.loadAverageBefore = loadAverage();
            if (options.warmup() > 0) {
                progress("warm-up: %,d requests of each kind", options.warmup());
                Map<QueryProbes.Kind, Latencies> warmup = probes.round(0, options.warmup());
                report.warmupErrors = warmup.values().stream().mapToInt(Latencies::errors).sum();
                progress("warm-up: %s", QueryProbes.describe(warmup));
            }
            for (int round = 1; round <= options.rounds(); round++) {
                Map<QueryProbes.Kind, Latencies> result = probes.round(round, options.requests());
                report.rounds.add(result);
                progress("round %d: %s", round, QueryProbes.describe(result));
            }
            report.loadAverageAfter = loadAverage();
            report.forwardedShare = probes.forwardedShare();
            report.errorSamples.addAll(probes.errorSamples());
            var heap = ManagementFactory.getMemoryMXBean();
            report.heapUsedMiB = heap.getHeapMemoryUsage().getUsed() >> 20;
            System.gc();
            report.heapAfterGcMiB = heap.getHeapMemoryUsage().getUsed() >> 20;
            report.heapMaxMiB = heap.getHeapMemoryUsage().getMax() >> 20;
            return report;
        } finally {
            nodes.forEach(QueryNode::close);
        }
    }

    /**
     * Until the application has committed every click and postback, and every decision it wrote
     * has been read by its views (the stats), with no offset moving for a few seconds; prints its
     * progress. Reads consumer group offsets only: no interactive query while the stores are written.
     *
     * @return when it got there
     */
    private static Processed awaitProcessed(Admin admin, String applicationId, List<QueryNode> nodes,
                                       QueryBenchOptions options, long startedAt, long deadline) throws Exception {
        Set<String> inputs = Set.of(Topics.CLICKS.name(), Topics.POSTBACKS_RAW.name());
        long inputsDoneAt = 0;
        long caughtUpAt = 0;
        long cpuAt = 0;
        long lastStep = 0;
        long lastPrinted = System.nanoTime();
        int stable = 0;
        Map<TopicPartition, List<Long>> previous = Map.of();
        while (true) {
            nodes.forEach(QueryNode::check);
            Deadlocks.check();
            Map<TopicPartition, Long> ends = endOffsets(admin, applicationId);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
            Map<String, Long> done = new TreeMap<>();
            Map<TopicPartition, List<Long>> snapshot = new HashMap<>();
            long inputLag = 0;
            long viewsLag = 0;
            boolean caughtUp = true;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                TopicPartition tp = end.getKey();
                OffsetAndMetadata offset = committed.get(tp);
                long position = offset == null ? 0 : offset.offset();
                long lag = Math.max(0, end.getValue() - position);
                snapshot.put(tp, List.of(end.getValue(), position));
                if (inputs.contains(tp.topic())) {
                    done.merge(tp.topic(), position, Long::sum);
                    inputLag += lag;
                } else {
                    viewsLag += lag;
                    // Written in transactions: the end offset of a partition read to its end can
                    // still count the last commit marker. Anything more is unread records.
                    caughtUp &= lag <= 1;
                }
            }
            caughtUp &= inputLag == 0;
            long now = System.nanoTime();
            if (inputLag == 0 && inputsDoneAt == 0) {
                inputsDoneAt = now;
            }
            if (caughtUp && stable == 0) {
                caughtUpAt = now;
                cpuAt = ProcessCpu.nanos();
            }
            stable = caughtUp && snapshot.equals(previous) ? stable + 1 : 0;
            previous = snapshot;
            long processed = done.values().stream().mapToLong(Long::longValue).sum();
            if (processed / PROGRESS_EVERY > lastStep || now - lastPrinted > QUIET_PROGRESS.toNanos()
                    || stable == STABLE_POLLS) {
                lastStep = processed / PROGRESS_EVERY;
                lastPrinted = now;
                progress("processed %,d / %,d clicks, %,d / %,d postbacks; views behind by %,d offsets "
                                + "(%.0f s; %s)", done.getOrDefault(Topics.CLICKS.name(), 0L), options.clicks(),
                        done.getOrDefault(Topics.POSTBACKS_RAW.name(), 0L), options.postbacks(), viewsLag,
                        seconds(now - startedAt), states(nodes));
            }
            if (stable >= STABLE_POLLS) {
                return new Processed(inputsDoneAt, caughtUpAt, cpuAt);
            }
            if (now > deadline) {
                throw new TimeoutException("input not processed within " + options.loadTimeout() + ": input lag "
                        + inputLag + ", views lag " + viewsLag);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** {@link System#nanoTime} when the inputs were committed and when everything was; process CPU then. */
    private record Processed(long inputsAt, long allAt, long cpuAt) {
    }

    /**
     * The read_committed end offset of every partition the application reads: the inputs, the
     * decisions its views read back, and its repartition topics.
     */
    private static Map<TopicPartition, Long> endOffsets(Admin admin, String applicationId) throws Exception {
        Set<String> topics = new TreeSet<>(List.of(Topics.CLICKS.name(), Topics.POSTBACKS_RAW.name(),
                Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name()));
        admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-repartition"))
                .forEach(topics::add);
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, description) ->
                description.partitions().forEach(p -> specs.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Until both instances' stats count every postback of the day: everything went through the views. */
    private static void awaitStats(QueryProbes probes, List<QueryNode> nodes, QueryBenchOptions options,
                                   long deadline) throws Exception {
        Map<String, Long> counted = new TreeMap<>();
        while (true) {
            nodes.forEach(QueryNode::check);
            Deadlocks.check();
            boolean all = true;
            for (QueryNode node : nodes) {
                long count;
                try {
                    count = probes.postbacksCounted(node);
                } catch (IOException e) {
                    count = -1;
                }
                counted.put(node.name, count);
                all &= count == options.postbacks();
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the stats do not count all " + options.postbacks()
                        + " postbacks: " + counted + " (-1: not answered)");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Until both instances run with no warm-up replica left, or the deadline: an instance that
     * joined after the other started gets warm-up replicas, which become active tasks at a
     * probing rebalance; measuring before would measure a rebalance.
     */
    private static boolean awaitSettled(List<QueryNode> nodes, long deadline) throws InterruptedException {
        int quiet = 0;
        long lastPrinted = System.nanoTime();
        while (quiet < SETTLED_CHECKS) {
            nodes.forEach(QueryNode::check);
            Deadlocks.check();
            boolean settled = nodes.stream().allMatch(node -> node.running() && node.warmupTasks() == 0);
            quiet = settled ? quiet + 1 : 0;
            if (!settled && System.nanoTime() - lastPrinted > QUIET_PROGRESS.toNanos()) {
                lastPrinted = System.nanoTime();
                progress("waiting for the final assignment: %s", states(nodes));
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private static String states(List<QueryNode> nodes) {
        return nodes.stream().map(node -> node.name + " " + node.streams.state()
                        + (node.warmupTasks() > 0 ? " +" + node.warmupTasks() + " warm-up tasks" : ""))
                .collect(Collectors.joining(", "));
    }

    /** The day's totals of all campaigns together: postbacks, conversions by status, rejections by reason. */
    private static String outcomes(QueryProbes probes, QueryNode node, QueryInputLoader.Loaded loaded)
            throws IOException, InterruptedException {
        long postbacks = 0;
        Map<String, Long> conversions = new TreeMap<>();
        Map<String, Long> rejections = new TreeMap<>();
        for (String campaign : loaded.campaignIds()) {
            JsonNode total = probes.totals(node, campaign);
            if (total == null) {
                return "not answered";
            }
            postbacks += total.path("postbacks_received").asLong();
            total.path("conversions").fields().forEachRemaining(e -> conversions.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            total.path("rejections").fields().forEachRemaining(e -> rejections.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        return String.format(Locale.ROOT, "%,d postbacks received, conversions %s, rejections %s", postbacks,
                conversions, rejections);
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
