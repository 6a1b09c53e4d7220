package io.attribution.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apicurio Registry server run as a child process of this JVM on 127.0.0.1: with in-memory storage
 * ({@link #start()}, Apicurio 2.6, the embedded default and the tests' registry), or keeping its schemas in a Kafka
 * topic ({@link #startKafkaSql}, Apicurio 3 with KafkaSQL storage, the registry of docker-compose.yml), which a
 * registry started again on the same cluster reads back: every schema under the ids it had.
 *
 * <p>Both serve the v2 native API and the Confluent-compatible API our serdes and readers call, under the same
 * paths. The child is stopped by {@link #close()} or, failing that, when this JVM shuts down.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The topic a KafkaSQL registry keeps its schemas in, here and in docker-compose.yml (Apicurio's default). */
    public static final String KAFKASQL_JOURNAL_TOPIC = KafkaSqlSettings.JOURNAL_TOPIC;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Logger CHILD_LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class.getName() + ".child");

    // Generous: on a loaded 2-core machine the Quarkus start has taken over a minute.
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final ChildProcessOutput output;
    /** The KafkaSQL registry's settings file, deleted on close; null for the in-memory one. */
    private final Path settingsFile;
    private final Thread shutdownHook = new Thread(this::close, "embedded-schema-registry-shutdown");
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int port;
    private volatile int managementPort;

    private EmbeddedSchemaRegistry(Process process, Path settingsFile) {
        this.process = process;
        this.settingsFile = settingsFile;
        this.output = ChildProcessOutput.drain(process.getInputStream(), "embedded-schema-registry-output", CHILD_LOG);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry on a free port and returns once it reports ready; fails after 180 s. */
    public static EmbeddedSchemaRegistry start() {
        return start(0);
    }

    /**
     * Starts the registry on this port (0: a free one) and returns once it reports ready; fails after 180 s.
     * A registry started again on the port of one that stopped is an empty registry where clients expect the old
     * one, as after a restart with in-memory storage.
     */
    public static EmbeddedSchemaRegistry start(int port) {
        return launch(RegistryRunnerJar.inMemory(), RegistryJava.current(), port, null, "in memory");
    }

    /**
     * Starts a registry that keeps its schemas in the Kafka topic {@value #KAFKASQL_JOURNAL_TOPIC} of this
     * cluster (creating it on first use) and reads them back on start, on this port (0: a free one); returns once
     * it reports ready, having read the topic; fails after 180 s. It runs on Java 21 or later ({@link RegistryJava}).
     *
     * @param kafkaClientConfig what the registry's Kafka clients need besides the bootstrap servers to reach the
     *                          cluster (security settings), e.g. {@code security.protocol}; empty for plaintext
     */
    public static EmbeddedSchemaRegistry startKafkaSql(String bootstrapServers, Map<String, String> kafkaClientConfig,
                                                       int port) {
        Path settings = KafkaSqlSettings.write(bootstrapServers, kafkaClientConfig);
        try {
            return launch(RegistryRunnerJar.kafkaSql(), RegistryJava.atLeast(KafkaSqlSettings.JAVA_FEATURE), port,
                    settings, "in Kafka topic " + KAFKASQL_JOURNAL_TOPIC + " at " + bootstrapServers);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(settings);
            throw e;
        }
    }

    /** @param settingsFile more settings for the registry, deleted when it stops; null for none */
    private static EmbeddedSchemaRegistry launch(Path runnerJar, Path java, int port, Path settingsFile,
                                                 String storage) {
        long startedAt = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command(java, runnerJar, port, settingsFile))
                    .directory(runnerJar.getParent().toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry from " + runnerJar, e);
        }
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(process, settingsFile);
        try {
            registry.awaitReady(startedAt + STARTUP_TIMEOUT.toNanos());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LOG.info("Embedded schema registry ready at {} in {} ms (pid {}), schemas kept {}", registry.registryUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), process.pid(), storage);
        return registry;
    }

    private static List<String> command(Path java, Path runnerJar, int port, Path settingsFile) {
        // A development registry serves few requests: C1 only and the serial collector start it about 2 s sooner
        // on two cores and keep it small. Port 0 lets Quarkus pick a free port itself and report it, so there is
        // no race for it; it reports the port at INFO, so the child's log level stays at its default. Apicurio 3
        // serves health on a management interface of its own, which would take 0.0.0.0:9000: loopback, a free port.
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=0"));
        if (settingsFile != null) {
            // In a file, not on the command line: the Kafka settings may hold a password.
            command.add("-Dquarkus.config.locations=" + settingsFile.toUri());
        }
        command.addAll(List.of("-jar", runnerJar.toString()));
        return command;
    }

    private void awaitReady(long deadlineNanos) {
        try {
            ChildProcessOutput.Ports ports = output.listeningPorts().get(remainingNanos(deadlineNanos),
                    TimeUnit.NANOSECONDS);
            port = ports.http();
            managementPort = ports.management();
            awaitHealthy(deadlineNanos);
        } catch (ExecutionException e) {
            throw failure("exited before it was listening (exit code " + exitCode() + ")", e.getCause());
        } catch (TimeoutException e) {
            throw failure("did not start within " + STARTUP_TIMEOUT.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("start was interrupted", e);
        }
    }

    private void awaitHealthy(long deadlineNanos) throws InterruptedException, TimeoutException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (true) {
            if (!process.isAlive()) {
                throw failure("exited before it was ready (exit code " + exitCode() + ")", null);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetServing) {
                // Retried until the deadline; the child's own output explains a failure better than this would.
            }
            if (remainingNanos(deadlineNanos) == 0) {
                throw new TimeoutException();
            }
            Thread.sleep(100);
        }
    }

    private static long remainingNanos(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    private String exitCode() {
        try {
            // Its output can end a moment before the process itself does.
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return String.valueOf(process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "none, still running";
    }

    private IllegalStateException failure(String what, Throwable cause) {
        return new IllegalStateException("Apicurio Registry (pid " + process.pid() + ") " + what
                + ". Its last output:" + System.lineSeparator() + output.tail(), cause);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The Apicurio native API, as the Apicurio serdes' {@code apicurio.registry.url} expects it. */
    public String registryUrl() {
        return baseUrl() + "/apis/registry/v2";
    }

    /** The Confluent Schema Registry compatible API. */
    public String confluentCompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Asks the registry to stop, kills it if it has not stopped after 10 s, and waits until it is gone. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopProcess();
        if (settingsFile != null) {
            Directories.deleteRecursively(settingsFile);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // close() is running in the hook itself, or the JVM is already past the point of removing hooks.
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Apicurio Registry (pid {}) ignored SIGTERM for {} s, killing it", process.pid(),
                        STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
