package io.attribution.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) running inside this JVM on 127.0.0.1:
 * its client listener is plaintext, or SASL_SSL only ({@link #start(SaslSslListener, Map)}); the
 * controller listener is plaintext either way.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, String> clientConfig;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Map<String, String> clientConfig,
                                Path dataDir, boolean deleteDataDirOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
    }

    /** Starts a broker on a temporary data directory that {@link #close()} deletes. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker on a temporary data directory that {@link #close()} deletes.
     *
     * @param brokerProperties broker settings applied over this class's defaults
     */
    public static EmbeddedKafkaBroker start(Map<String, String> brokerProperties) {
        return startOnTemporary(brokerProperties, null);
    }

    /**
     * Starts a broker whose only client listener is SASL_SSL, on a temporary data directory that
     * {@link #close()} deletes; clients connect with {@link #clientConfig()}.
     *
     * @param brokerProperties broker settings applied over this class's defaults
     */
    public static EmbeddedKafkaBroker start(SaslSslListener listener, Map<String, String> brokerProperties) {
        return startOnTemporary(brokerProperties, listener);
    }

    private static EmbeddedKafkaBroker startOnTemporary(Map<String, String> brokerProperties, SaslSslListener listener) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory for the embedded Kafka broker", e);
        }
        try {
            return start(dataDir, brokerProperties, true, listener);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(dataDir);
            throw e;
        }
    }

    /** Starts a broker on {@code dataDir}, formatting it on first use and keeping it on close. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /**
     * Starts a broker on {@code dataDir}, formatting it on first use and keeping it on close.
     *
     * @param brokerProperties broker settings applied over this class's defaults
     */
    public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> brokerProperties) {
        return start(dataDir, brokerProperties, false, null);
    }

    /** @param listener null for a plaintext client listener */
    private static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> brokerProperties,
                                             boolean deleteDataDirOnClose, SaslSslListener listener) {
        long startedAt = System.nanoTime();
        formatIfNew(dataDir, listener);
        Map<String, String> clientConfig = listener == null ? Map.of() : listener.clientConfig();
        for (int attempt = 1; ; attempt++) {
            int[] ports = LocalPorts.free(2);
            String bootstrapServers = "127.0.0.1:" + ports[0];
            Properties config = config(dataDir, ports[0], ports[1], brokerProperties, listener);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            try {
                server.startup();
                awaitReady(bootstrapServers, clientConfig);
            } catch (RuntimeException e) {
                stopQuietly(server);
                // The free ports were released before Kafka bound them, so another process may have taken one.
                if (attempt < START_ATTEMPTS && causedByBindFailure(e)) {
                    LOG.debug("Kafka could not bind port {} or {}, retrying with new ones", ports[0], ports[1], e);
                    continue;
                }
                throw e;
            }
            LOG.info("Embedded Kafka broker ready at {} in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
            return new EmbeddedKafkaBroker(server, bootstrapServers, clientConfig, dataDir, deleteDataDirOnClose);
        }
    }

    private static void formatIfNew(Path dataDir, SaslSslListener listener) {
        // A kept data directory from an earlier run already has its cluster id; reformatting would reject it.
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .addDirectory(dataDir.toString())
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setScramArguments(listener == null ? List.of() : listener.scramArguments())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + dataDir, e);
        }
    }

    private static Properties config(Path dataDir, int brokerPort, int controllerPort,
                                     Map<String, String> overrides, SaslSslListener listener) {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        String client = listener == null ? "PLAINTEXT" : SaslSslListener.LISTENER;
        config.put("listeners",
                client + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", client + "://127.0.0.1:" + brokerPort);
        config.put("listener.security.protocol.map", client + ":" + client + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        config.put("inter.broker.listener.name", client);
        if (listener != null) {
            config.putAll(listener.brokerConfig());
        }
        config.put("log.dirs", dataDir.toString());
        config.put("metadata.log.dir", dataDir.toString());

        // One node: every replication factor and min ISR has to be 1.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");

        // Internal topics default to 50 partitions each, which only slows the first group or transaction down here.
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");

        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "false");
        config.put("group.initial.rebalance.delay.ms", "0");

        // Sized for a laptop or CI runner rather than a production host (the cleaner alone defaults to 128 MiB).
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");

        config.putAll(overrides);
        return config;
    }

    private static void awaitReady(String bootstrapServers, Map<String, String> clientConfig) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> adminConfig = new HashMap<>(clientConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker at " + bootstrapServers
                                + " did not accept requests within " + READY_TIMEOUT.toSeconds() + " s", e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker at " + bootstrapServers, e);
        }
    }

    private static boolean causedByBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure while stopping a Kafka broker that failed to start", e);
        }
    }

    /** The {@code host:port} list for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The client settings besides {@code bootstrap.servers} that reach the client listener: none for
     * plaintext; for SASL_SSL the protocol, the SCRAM login and the truststore.
     */
    public Map<String, String> clientConfig() {
        return clientConfig;
    }

    /** Stops the broker and, when it was started on a temporary data directory, deletes that directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                Directories.deleteRecursively(dataDir);
            }
        }
    }
}
