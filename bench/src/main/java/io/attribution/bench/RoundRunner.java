package io.attribution.bench;

import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one contender over the pre-loaded input: a fresh application id (so it reads every input
 * from the beginning, with empty state) and a fresh state directory, the production Kafka Streams
 * settings (exactly_once_v2 and the rest) from {@link StreamsSettings}, and the clock stopped when
 * a read_committed consumer has seen all the outputs the whole input makes.
 */
final class RoundRunner {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofMillis(500);
    /** A warm-up round only runs until this share of the outputs is there. */
    private static final int WARMUP_DIVISOR = 5;

    private final String bootstrapServers;
    private final RecordSerdes serdes;
    private final Path stateRoot;
    private final BenchOptions options;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    RoundRunner(String bootstrapServers, RecordSerdes serdes, Path stateRoot, BenchOptions options) {
        this.bootstrapServers = bootstrapServers;
        this.serdes = serdes;
        this.stateRoot = stateRoot;
        this.options = options;
    }

    RoundResult run(Contender contender, int round, boolean warmup) throws TimeoutException {
        String applicationId = "bench-" + runId + "-" + contender.name() + "-" + (warmup ? "warmup-" : "") + round;
        Properties properties = StreamsSettings.of(applicationId, bootstrapServers, stateRoot.resolve(applicationId),
                Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(options.threads())));
        long allOutputs = contender.expectedOutputs().applyAsLong(options);
        long expected = warmup ? Math.max(1, allOutputs / WARMUP_DIVISOR) : allOutputs;
        AtomicLong runningAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (OutputCounter outputs = new OutputCounter(bootstrapServers, contender.outputs());
             KafkaStreams streams = new KafkaStreams(contender.topology().build(serdes, properties, options), properties)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    runningAt.compareAndSet(0, System.nanoTime());
                }
            });
            streams.setUncaughtExceptionHandler(error -> {
                failure.compareAndSet(null, error);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            long startedAt = System.nanoTime();
            long cpuAtStart = ProcessCpu.nanos();
            streams.start();
            outputs.awaitTotal(expected, options.roundTimeout(), () -> {
                if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(contender.name() + " failed in round " + round, failure.get());
                }
            });
            long doneAt = System.nanoTime();
            long cpu = ProcessCpu.nanos() - cpuAtStart;
            if (!warmup) {
                outputs.drain(DRAIN);
            }
            streams.close(CLOSE_TIMEOUT);
            streams.cleanUp();
            long running = runningAt.get() == 0 ? startedAt : runningAt.get();
            long postbacks = warmup ? Math.max(1, options.postbacks() / WARMUP_DIVISOR) : options.postbacks();
            return new RoundResult(contender, round, warmup, postbacks, Duration.ofNanos(doneAt - startedAt),
                    Duration.ofNanos(doneAt - running), Duration.ofNanos(cpu), outputs.counts());
        }
    }
}
