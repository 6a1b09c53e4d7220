package io.attribution.bench;

import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one contender over a round's own input: a fresh application id and state directory, the
 * group's offsets set to the end of every topic it reads before the input is written (so it reads
 * that input only, and its views only this round's outputs), the production Kafka Streams settings
 * (exactly_once_v2 and the rest) from {@link StreamsSettings}. The round is done when the group has
 * committed everything it reads ({@link GroupProgress}), views included; the time the decisions were
 * all committed is noted on the way.
 */
final class RoundRunner {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofMillis(500);
    private static final long CATCH_UP_POLL_MS = 100;

    private final Admin admin;
    private final String bootstrapServers;
    private final RecordSerdes serdes;
    private final Path stateRoot;
    private final BenchOptions options;
    private final BrokerProcess broker;
    private final InputLoader loader;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    RoundRunner(Admin admin, BrokerProcess broker, RecordSerdes serdes, InputLoader loader, Path stateRoot,
                BenchOptions options) {
        this.admin = admin;
        this.broker = broker;
        this.bootstrapServers = broker.bootstrapServers();
        this.serdes = serdes;
        this.loader = loader;
        this.stateRoot = stateRoot;
        this.options = options;
    }

    RoundResult run(Contender contender, int round, boolean warmup, long records) throws Exception {
        String applicationId = "bench-" + runId + "-" + contender.name() + "-" + (warmup ? "warmup-" : "") + round;
        RoundInput input = RoundInput.sized(applicationId, records, contender.clicksMix(), options);
        Properties properties = StreamsSettings.of(applicationId, bootstrapServers, stateRoot.resolve(applicationId),
                Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(options.threads())));
        Topology topology = contender.topology().build(serdes, properties, options);
        GroupProgress progress = GroupProgress.startAtEnd(admin, applicationId, topology);
        if (!contender.viewsApp()) {
            Duration load = load(input);
            return measure(contender, round, warmup, input, load, new Application(applicationId, topology,
                    properties, progress, contender.outputs()));
        }
        Properties viewsProperties = StreamsSettings.views(properties, options.threads());
        String viewsId = viewsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        Topology views = AttributionTopology.views(serdes, viewsProperties, Contender.settings(options));
        // Before anything is written: the views read this round's decisions and clicks only.
        GroupProgress viewsProgress = GroupProgress.startAtEnd(admin, viewsId, views);
        Duration load = load(input);
        measure(contender, round, warmup, input, load,
                new Application(applicationId, topology, properties, progress, contender.outputs()));
        return measure(contender, round, warmup, input, load,
                new Application(viewsId, views, viewsProperties, viewsProgress, List.of()));
    }

    /**
     * One Kafka Streams application of a round.
     *
     * @param outputs where it writes one record per input (per {@link Contender#outputsPer}): its
     *                decisions are done when they are all committed; none for the views
     */
    private record Application(String id, Topology topology, Properties properties, GroupProgress progress,
                               List<String> outputs) {
    }

    private Duration load(RoundInput input) throws Exception {
        long loadStart = System.nanoTime();
        loader.load(input);
        return Duration.ofNanos(System.nanoTime() - loadStart);
    }

    /** Runs {@code app} until it committed everything it reads, and measures what it took. */
    private RoundResult measure(Contender contender, int round, boolean warmup, RoundInput input, Duration load,
                                Application app) throws Exception {
        TopicFootprint before = TopicFootprint.of(admin);
        AtomicLong runningAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (OutputCounter outputs = new OutputCounter(bootstrapServers, app.outputs());
             KafkaStreams streams = new KafkaStreams(app.topology(), app.properties())) {
            streams.setStateListener((now, was) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    runningAt.compareAndSet(0, System.nanoTime());
                }
            });
            streams.setUncaughtExceptionHandler(error -> {
                failure.compareAndSet(null, error);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            Runnable healthCheck = () -> {
                if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(app.id() + " failed in round " + round, failure.get());
                }
            };
            long deadline = System.nanoTime() + options.roundTimeout().toNanos();
            long processCpuAtStart = ProcessCpu.nanos();
            long brokerCpuAtStart = broker.cpuNanos();
            long startedAt = System.nanoTime();
            streams.start();
            outputs.awaitTotal(app.outputs().isEmpty() ? 0 : contender.outputsPer().of(input), options.roundTimeout(),
                    healthCheck);
            long decidedAt = System.nanoTime();
            while (!app.progress().caughtUp()) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(app.id() + " round " + round + " decided but did not catch up "
                            + "on " + app.progress().sources() + " within " + options.roundTimeout().toSeconds()
                            + " s");
                }
                healthCheck.run();
                Thread.sleep(CATCH_UP_POLL_MS);
            }
            long doneAt = System.nanoTime();
            if (app.outputs().isEmpty()) {
                // Nothing to decide (the views): done is when everything it reads is committed.
                decidedAt = doneAt;
            }
            long threadCpu = StreamThreadCpu.nanos(app.id());
            long processCpu = ProcessCpu.nanos() - processCpuAtStart;
            long brokerCpu = broker.cpuNanos() - brokerCpuAtStart;
            double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            TopicFootprint written = TopicFootprint.of(admin).since(before);
            if (!warmup) {
                outputs.drain(DRAIN);
            }
            streams.close(CLOSE_TIMEOUT);
            streams.cleanUp();
            long running = runningAt.get() == 0 ? startedAt : runningAt.get();
            return new RoundResult(contender, round, warmup, input, load, Duration.ofNanos(doneAt - startedAt),
                    Duration.ofNanos(doneAt - running), Duration.ofNanos(decidedAt - running),
                    Duration.ofNanos(processCpu), Duration.ofNanos(threadCpu), Duration.ofNanos(brokerCpu), written,
                    outputs.counts(), loadAverage, app.id());
        }
    }
}
