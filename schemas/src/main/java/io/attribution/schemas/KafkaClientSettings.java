package io.attribution.schemas;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How every client of the product reaches the Kafka cluster: the bootstrap servers and the
 * operator's own client settings (TLS, SASL, connection tuning), the one place where those are
 * checked and merged into a producer's, consumer's, admin client's or Kafka Streams' settings.
 *
 * <p>Only an allowlist passes ({@link #ALLOWED_PREFIXES}, {@link #ALLOWED}): settings that say how
 * to connect and authenticate, never what a client guarantees. The guarantees (acks=all,
 * idempotence, read_committed, exactly_once_v2, manual commits) are the product's, and a setting
 * that would change one is refused by name ({@link #FIXED}), as is any other unknown key, so a typo
 * never silently leaves a client on plaintext.
 */
public final class KafkaClientSettings {

    /** Every key under these prefixes passes: TLS and SASL of any mechanism (SCRAM, PLAIN, GSSAPI, OAUTHBEARER). */
    public static final List<String> ALLOWED_PREFIXES = List.of("ssl.", "sasl.");

    /** How to find, reach and keep talking to the brokers; none of them changes what a client guarantees. */
    public static final Set<String> ALLOWED = Set.of(
            "security.protocol",
            "security.providers",
            "client.dns.lookup",
            "connections.max.idle.ms",
            "reconnect.backoff.ms",
            "reconnect.backoff.max.ms",
            "retry.backoff.ms",
            "retry.backoff.max.ms",
            "socket.connection.setup.timeout.ms",
            "socket.connection.setup.timeout.max.ms",
            "metadata.max.age.ms",
            "metadata.recovery.strategy",
            "metadata.recovery.rebootstrap.trigger.ms",
            "send.buffer.bytes",
            "receive.buffer.bytes");

    /** Settings the product owns, each with why it cannot be set from outside. */
    static final Map<String, String> FIXED = fixed();

    /** Keys whose values are never shown: credentials and private keys. */
    private static final List<String> SECRET_MARKERS = List.of("password", "secret", "jaas", "ssl.keystore.key");

    private final String bootstrapServers;
    private final Map<String, String> settings;

    private KafkaClientSettings(String bootstrapServers, Map<String, String> settings) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
    }

    private static Map<String, String> fixed() {
        Map<String, String> fixed = new LinkedHashMap<>();
        String guarantee = "is fixed by the pipeline's delivery guarantees";
        fixed.put(ProducerConfig.ACKS_CONFIG, guarantee + " (acks=all: a record counts once every in-sync replica has it)");
        fixed.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, guarantee + " (a retried send never writes twice)");
        fixed.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, guarantee + " (idempotence needs at most 5)");
        fixed.put(ProducerConfig.RETRIES_CONFIG, guarantee + " (the delivery timeouts bound retries)");
        fixed.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, guarantee + " (Kafka Streams owns the transactions)");
        fixed.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, guarantee + " (read_committed: aborted writes are never read)");
        fixed.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, guarantee + " (offsets are committed with the results)");
        fixed.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, guarantee + " (a new group reads from the start)");
        fixed.put("processing.guarantee", guarantee + " (exactly_once_v2)");
        fixed.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "is set as kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS)");
        String named = "is named by the pipeline per client";
        fixed.put(ProducerConfig.CLIENT_ID_CONFIG, named);
        fixed.put(ConsumerConfig.GROUP_ID_CONFIG, named + " (topology.application.id names the topology's group)");
        fixed.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "is set as topology.group.instance.id");
        fixed.put("application.id", "is set as topology.application.id");
        return Map.copyOf(fixed);
    }

    /** No settings of the operator's: plaintext, Kafka's defaults. */
    public static KafkaClientSettings plaintext(String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, Map.of());
    }

    /**
     * @param settings Kafka client settings by their Kafka name ({@code security.protocol}, ...)
     * @throws IllegalArgumentException naming the first key that is fixed or not allowed
     */
    public static KafkaClientSettings of(String bootstrapServers, Map<String, String> settings) {
        for (String key : new TreeMap<>(settings).keySet()) {
            problem(key).ifPresent(problem -> {
                throw new IllegalArgumentException("Kafka client setting " + key + " " + problem);
            });
        }
        return new KafkaClientSettings(bootstrapServers, Map.copyOf(settings));
    }

    /** Why this Kafka client setting may not be given, if it may not; the text follows the key in a sentence. */
    public static Optional<String> problem(String key) {
        String fixed = FIXED.get(key);
        if (fixed != null) {
            return Optional.of(fixed + ": it cannot be changed");
        }
        if (ALLOWED.contains(key) || ALLOWED_PREFIXES.stream().anyMatch(key::startsWith)) {
            return Optional.empty();
        }
        return Optional.of("is not one the pipeline passes to its clients; allowed are " + ALLOWED_PREFIXES.stream()
                .map(prefix -> prefix + "*").toList() + " and " + new TreeSet<>(ALLOWED));
    }

    /** Whether a value under this key is a credential or a private key, never to be logged. */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_MARKERS.stream().anyMatch(lower::contains);
    }

    /** {@code ***} for a non-empty secret, the value otherwise. */
    public static String shown(String key, String value) {
        return isSecret(key) && value != null && !value.isEmpty() ? "***" : value;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The operator's settings, by Kafka name; secrets included: for building clients, never for logs. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The operator's settings with secrets masked, for logs and banners. */
    public Map<String, String> masked() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key, shown(key, value)));
        return shown;
    }

    /**
     * A client's settings: the caller's own, the operator's over them (they never share a key: the
     * caller's are not on the allowlist) and the bootstrap servers. For Kafka Streams too: given
     * unprefixed, it hands them to every client it makes (main, restore and global consumers,
     * producers, admin).
     */
    public Map<String, Object> client(Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.putAll(settings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /**
     * A read_committed consumer that commits nothing by itself, as every consumer of the product
     * outside Kafka Streams is.
     */
    public Map<String, Object> consumer(String clientId, Map<String, ?> own) {
        Map<String, Object> config = client(own);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    @Override
    public String toString() {
        return bootstrapServers + " " + masked();
    }
}
