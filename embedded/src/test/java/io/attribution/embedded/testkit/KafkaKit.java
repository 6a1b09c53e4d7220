package io.attribution.embedded.testkit;

import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker and an Apicurio schema registry for an integration test class, registered as
 * {@code @RegisterExtension static final KafkaKit kit = KafkaKit.shared();}.
 *
 * <p>{@link #shared()} hands every class of the test JVM the same broker and registry, each started once and stopped
 * when the run ends: the registry child process as soon as the first class begins, the broker, while the registry
 * starts, when a class first asks for it (a class that needs only the registry never starts one). Each class creates
 * its topics through the kit; after the class, every topic on the broker but the broker's own ({@code __...}) is
 * deleted, Kafka Streams' and Connect's internal topics included, and the kit waits until they are gone: the next
 * class starts on an empty broker. Application and group ids come from {@link #uniqueId(String)}, so no committed
 * offset or transactional state of one class is found by another.
 *
 * <p>{@link #ownBroker()} gives a class a broker of its own, for tests that stop it or need other broker settings;
 * it still uses the shared registry. {@link #kafkaSqlRegistry()} gives a class a broker and a registry of its own,
 * the registry keeping its schemas in a topic of that broker, as in docker-compose.yml, for tests that restart it.
 *
 * <p>Engines without Jupiter extensions (jqwik) call {@link #beforeAll()} and {@link #afterAll()} from their own
 * container hooks.
 */
public final class KafkaKit implements BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaKit.class);

    /** Null for the shared broker. */
    private final Map<String, String> ownBrokerProperties;
    /** Whether the own broker's only client listener is SASL_SSL. */
    private final boolean saslSsl;
    /** Whether the class has a registry of its own, keeping its schemas in a topic of its own broker. */
    private final boolean kafkaSql;
    /** The class's own registry while it runs; null with the shared one. */
    private EmbeddedSchemaRegistry ownRegistry;
    private boolean started;
    /** Null until the class first uses the shared broker. */
    private EmbeddedKafkaBroker broker;
    /** The own SASL_SSL broker's key and truststore, deleted with the broker. */
    private Path certificatesDir;
    private BrokerTopics topics;

    private KafkaKit(Map<String, String> ownBrokerProperties, boolean saslSsl, boolean kafkaSql) {
        this.ownBrokerProperties = ownBrokerProperties;
        this.saslSsl = saslSsl;
        this.kafkaSql = kafkaSql;
    }

    /** The broker and the registry every class of this test JVM shares. */
    public static KafkaKit shared() {
        return new KafkaKit(null, false, false);
    }

    /** A broker for this class alone, which it may stop; the registry is the shared one. */
    public static KafkaKit ownBroker() {
        return ownBroker(Map.of());
    }

    /**
     * A broker for this class alone, with these settings over the embedded broker's defaults; the registry is the
     * shared one.
     */
    public static KafkaKit ownBroker(Map<String, String> brokerProperties) {
        return new KafkaKit(Map.copyOf(brokerProperties), false, false);
    }

    /**
     * A broker and a registry for this class alone, the registry keeping its schemas in a topic of that broker
     * (Apicurio 3 with KafkaSQL storage, as in docker-compose.yml), so that {@link #restartRegistry()} brings it
     * back with every schema under the ids it had.
     */
    public static KafkaKit kafkaSqlRegistry() {
        return new KafkaKit(Map.of(), false, true);
    }

    /**
     * A broker for this class alone whose only client listener is SASL_SSL (SCRAM-SHA-512, a
     * certificate for 127.0.0.1 made for the run); clients connect with {@link #clientConfig()}.
     * The registry is the shared one.
     */
    public static KafkaKit saslSslBroker() {
        return new KafkaKit(Map.of(), true, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        beforeAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        afterAll();
    }

    /**
     * Before the class's first test: the registry starts in the background if it is not running yet; an own broker
     * starts now, the shared one when the class first asks for it, so that a class that only needs the registry
     * never waits for a broker.
     */
    public void beforeAll() {
        if (!kafkaSql) {
            SharedKafka.registry();
        }
        if (saslSsl) {
            Path certificates = TestCertificates.directory();
            certificatesDir = certificates;
            useBroker(EmbeddedKafkaBroker.start(TestCertificates.saslSsl(certificates, "pipeline"), ownBrokerProperties));
        } else if (ownBrokerProperties != null) {
            useBroker(EmbeddedKafkaBroker.start(ownBrokerProperties));
        }
        if (kafkaSql) {
            ownRegistry = startKafkaSqlRegistry(0);
        }
        started = true;
    }

    private EmbeddedSchemaRegistry startKafkaSqlRegistry(int port) {
        return EmbeddedSchemaRegistry.startKafkaSql(broker.bootstrapServers(), broker.clientConfig(), port);
    }

    /** After the class's last test: the shared broker is emptied of the class's topics, an own broker stopped. */
    public void afterAll() {
        started = false;
        if (ownRegistry != null) {
            ownRegistry.close();
            ownRegistry = null;
        }
        if (broker == null) {
            return;
        }
        try {
            if (ownBrokerProperties == null) {
                long startedAt = System.nanoTime();
                Set<String> deleted = topics.deleteAll();
                LOG.info("Deleted the {} topics of the class from the shared broker in {} ms: {}", deleted.size(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), deleted);
            }
        } finally {
            topics.close();
            topics = null;
            if (ownBrokerProperties != null) {
                broker.close();
            }
            broker = null;
            if (certificatesDir != null) {
                Directories.deleteRecursively(certificatesDir);
                certificatesDir = null;
            }
        }
    }

    /** The {@code host:port} list for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /**
     * What a client needs besides {@link #bootstrapServers()} to reach the broker: nothing for a
     * plaintext one; for {@link #saslSslBroker()} the protocol, the SCRAM login and the truststore.
     */
    public Map<String, String> clientConfig() {
        return broker().clientConfig();
    }

    /** The registry's native API, as the Apicurio serdes' {@code apicurio.registry.url} expects it; waits for it. */
    public String registryUrl() {
        return registry().registryUrl();
    }

    /** The registry's Confluent Schema Registry compatible API; waits for it. */
    public String confluentCompatUrl() {
        return registry().confluentCompatUrl();
    }

    /** The registry's child process, e.g. to tell how much CPU it used. */
    public ProcessHandle registryProcess() {
        return ProcessHandle.of(registry().pid()).orElseThrow();
    }

    /**
     * Stops this class's own registry and starts it again on the same port, reading its schemas back from the
     * broker; returns once it is ready. Clients keep their URLs.
     */
    public void restartRegistry() {
        requireStarted();
        if (ownRegistry == null) {
            throw new IllegalStateException("The shared registry serves other classes too, and forgets on a restart:"
                    + " use KafkaKit.kafkaSqlRegistry()");
        }
        int port = ownRegistry.port();
        ownRegistry.close();
        ownRegistry = null;
        ownRegistry = startKafkaSqlRegistry(port);
    }

    private EmbeddedSchemaRegistry registry() {
        requireStarted();
        return ownRegistry != null ? ownRegistry : SharedKafka.awaitRegistry();
    }

    /** Creates topics with this many partitions each. */
    public void createTopics(int partitions, String... names) {
        topics().create(Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)).toList());
    }

    /** Creates compacted topics ({@code cleanup.policy=compact}) with this many partitions each. */
    public void createCompactedTopics(int partitions, String... names) {
        topics().create(Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))).toList());
    }

    /**
     * Every record on the topic now, read_committed, from the beginning of each partition to its end. The reading
     * consumer closes the deserializers when it is done, as every {@code KafkaConsumer} does.
     */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
        return TopicContents.read(bootstrapServers(), clientConfig(), topic, keys, values);
    }

    /** An id no other test uses, for an application id, a group id or a transactional id: {@code prefix-<uuid>}. */
    public String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Stops this class's own broker, e.g. to test an outage. */
    public void stopBroker() {
        if (ownBrokerProperties == null) {
            throw new IllegalStateException("The shared broker serves other classes too: use KafkaKit.ownBroker()");
        }
        broker().close();
    }

    private BrokerTopics topics() {
        broker();
        return topics;
    }

    private EmbeddedKafkaBroker broker() {
        requireStarted();
        if (broker == null) {
            useBroker(SharedKafka.broker());
            // Only a class whose afterAll never ran (its engine's hook failed) leaves anything here.
            Set<String> leftOver = topics.deleteAll();
            if (!leftOver.isEmpty()) {
                LOG.warn("Deleted {} topics an earlier class left on the shared broker: {}", leftOver.size(), leftOver);
            }
        }
        return broker;
    }

    private void useBroker(EmbeddedKafkaBroker started) {
        broker = started;
        topics = new BrokerTopics(started.bootstrapServers(), started.clientConfig());
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("The kit starts before the class's tests: register it as"
                    + " @RegisterExtension static final KafkaKit kit = KafkaKit.shared() (jqwik: call beforeAll())");
        }
    }
}
