package io.attribution.app;

import io.attribution.campaigns.CampaignCatalog;
import io.attribution.query.access.QueryAccess;
import io.attribution.query.access.QueryTokens;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RegistryClientSettings;
import io.attribution.topology.BoundedRocksDbMemory;
import io.attribution.topology.StateBounds;
import io.attribution.topology.TopologyRole;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pipeline's settings, in layers: built-in defaults, then a properties file, then environment
 * variables ({@code KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrap.servers}). Unknown keys in
 * the file are an error, so a typo never silently falls back to a default.
 *
 * <p>Besides its own settings: Kafka client settings for every client the pipeline makes, as
 * {@code kafka.<Kafka's name>} in the file or {@code KAFKA_<NAME>} in the environment
 * ({@code KAFKA_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config}), checked against
 * {@link KafkaClientSettings}'s allowlist; and the registry client's ({@code registry.auth.*},
 * {@code registry.ssl.*}, see {@link RegistryClientSettings}).
 */
public final class PipelineSettings {

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String EMBEDDED_REGISTRY_STORAGE = "embedded.registry.storage";
    public static final String REGISTRY_REQUEST_TIMEOUT_MS = "registry.request.timeout.ms";
    public static final String REGISTRY_CHECK_INTERVAL_MS = "registry.check.interval.ms";
    public static final String INGEST_HOST = "ingest.host";
    public static final String INGEST_PORT = "ingest.port";
    public static final String INGEST_MAX_BODY_BYTES = "ingest.max.body.bytes";
    public static final String INGEST_MAX_REQUEST_HEADER_BYTES = "ingest.max.request.header.bytes";
    public static final String INGEST_IDLE_TIMEOUT_MS = "ingest.idle.timeout.ms";
    public static final String INGEST_MIN_REQUEST_DATA_RATE = "ingest.min.request.data.rate";
    public static final String INGEST_MAX_CONCURRENT_REQUESTS = "ingest.max.concurrent.requests";
    public static final String INGEST_MAX_REQUESTS_PER_SECOND = "ingest.max.requests.per.second";
    public static final String INGEST_MAX_RECORDED_REFUSALS_PER_SECOND = "ingest.max.recorded.refusals.per.second";
    public static final String INGEST_TRUSTED_PROXIES = "ingest.trusted.proxies";
    public static final String INGEST_PRODUCE_TIMEOUT_MS = "ingest.produce.timeout.ms";
    public static final String INGEST_CLICK_DURABILITY = "ingest.click.durability";
    public static final String ADMIN_HOST = "admin.host";
    public static final String ADMIN_PORT = "admin.port";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String ADMIN_TESTER_INGEST_URL = "admin.tester.ingest.url";
    public static final String ADMIN_TESTER_QUERY_URL = "admin.tester.query.url";
    public static final String ADMIN_TESTER_QUERY_TOKEN = "admin.tester.query.token";
    public static final String TOPOLOGY_APPLICATION_ID = "topology.application.id";
    public static final String TOPOLOGY_STATE_DIR = "topology.state.dir";
    public static final String TOPOLOGY_UNKNOWN_CLICK_GRACE_MS = "topology.unknown.click.grace.ms";
    public static final String TOPOLOGY_CLICK_RETENTION_DAYS = "topology.click.retention.days";
    public static final String TOPOLOGY_MAX_CONVERSIONS_PER_CLICK = "topology.max.conversions.per.click";
    public static final String TOPOLOGY_MAX_EVENT_TIME_SKEW_MS = "topology.max.event.time.skew.ms";
    public static final String TOPOLOGY_APPLICATION_SERVER = "topology.application.server";
    public static final String TOPOLOGY_NUM_STANDBY_REPLICAS = "topology.num.standby.replicas";
    public static final String TOPOLOGY_NUM_STREAM_THREADS = "topology.num.stream.threads";
    public static final String TOPOLOGY_ROLE = "topology.role";
    public static final String TOPOLOGY_VIEWS_NUM_STREAM_THREADS = "topology.views.num.stream.threads";
    public static final String TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES = "topology.rocksdb.total.off.heap.bytes";
    public static final String TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES = "topology.rocksdb.total.memtable.bytes";
    public static final String TOPOLOGY_MAX_THREAD_REPLACEMENTS = "topology.max.thread.replacements";
    public static final String TOPOLOGY_GROUP_INSTANCE_ID = "topology.group.instance.id";
    public static final String TOPOLOGY_SESSION_TIMEOUT_MS = "topology.session.timeout.ms";
    public static final String CAMPAIGNS_MAX_STALE_MS = "campaigns.max.stale.ms";
    public static final String QUERY_HOST = "query.host";
    public static final String QUERY_PORT = "query.port";
    public static final String QUERY_TOKENS_FILE = "query.tokens.file";
    public static final String QUERY_PEER_TOKEN = "query.peer.token";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
    public static final String MANAGEMENT_HOST = "management.host";
    public static final String MANAGEMENT_PORT = "management.port";
    /** The prefix of the Kafka client settings in the file; {@code KAFKA_} in the environment. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.";
    /** The prefix of the registry client settings ({@link RegistryClientSettings#keys()}). */
    public static final String REGISTRY_CLIENT_PREFIX = "registry.";
    /**
     * Variables of Kafka's own scripts and images (JVM options, log settings) that may be set where
     * the pipeline runs and are no client settings: ignored, not refused.
     */
    static final Set<String> KAFKA_SCRIPT_VARIABLES = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_JMX_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_DEBUG",
            "KAFKA_LOG_DIR", "KAFKA_HOME", "KAFKA_VERSION");

    private static final Map<String, String> DEFAULTS = defaults();

    private final Map<String, String> values;
    /** By Kafka's names ({@code security.protocol}), each on the allowlist. */
    private final Map<String, String> kafkaClient;

    private PipelineSettings(Map<String, String> values, Map<String, String> kafkaClient) {
        this.values = values;
        this.kafkaClient = kafkaClient;
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        // Empty: start an embedded broker / registry instead.
        defaults.put(KAFKA_BOOTSTRAP_SERVERS, "");
        defaults.put(REGISTRY_URL, "");
        // Where that embedded registry keeps its schemas: memory (quickest) or kafkasql (a topic of the cluster).
        defaults.put(EMBEDDED_REGISTRY_STORAGE, "memory");
        // Ingest's calls to the registry (its schema id is registered and checked off the request path).
        defaults.put(REGISTRY_REQUEST_TIMEOUT_MS, "2000");
        defaults.put(REGISTRY_CHECK_INTERVAL_MS, "1000");
        defaults.put(INGEST_HOST, "127.0.0.1");
        defaults.put(INGEST_PORT, "8080");
        defaults.put(INGEST_MAX_BODY_BYTES, "65536");
        defaults.put(INGEST_MAX_REQUEST_HEADER_BYTES, "8192");
        defaults.put(INGEST_IDLE_TIMEOUT_MS, "30000");
        defaults.put(INGEST_MIN_REQUEST_DATA_RATE, "1024");
        defaults.put(INGEST_MAX_CONCURRENT_REQUESTS, "512");
        defaults.put(INGEST_MAX_REQUESTS_PER_SECOND, "200");
        defaults.put(INGEST_MAX_RECORDED_REFUSALS_PER_SECOND, "100");
        defaults.put(INGEST_TRUSTED_PROXIES, "");
        defaults.put(INGEST_PRODUCE_TIMEOUT_MS, "5000");
        // broker: /click redirects once the click is acknowledged; none: as soon as the producer has it.
        defaults.put(INGEST_CLICK_DURABILITY, "broker");
        defaults.put(ADMIN_HOST, "127.0.0.1");
        defaults.put(ADMIN_PORT, "8081");
        // Empty: no admin API, except with the embedded default, which makes one up and prints it.
        defaults.put(ADMIN_TOKEN, "");
        // Empty: this process's own ingest server and query API, when it runs them; else the tester is off.
        defaults.put(ADMIN_TESTER_INGEST_URL, "");
        defaults.put(ADMIN_TESTER_QUERY_URL, "");
        defaults.put(ADMIN_TESTER_QUERY_TOKEN, "");
        defaults.put(TOPOLOGY_APPLICATION_ID, "postback-attribution");
        defaults.put(TOPOLOGY_STATE_DIR, "");
        defaults.put(TOPOLOGY_UNKNOWN_CLICK_GRACE_MS, "600000");
        defaults.put(TOPOLOGY_CLICK_RETENTION_DAYS, "60");
        defaults.put(TOPOLOGY_MAX_CONVERSIONS_PER_CLICK, String.valueOf(StateBounds.DEFAULT_CONVERSIONS_PER_KEY));
        defaults.put(TOPOLOGY_MAX_EVENT_TIME_SKEW_MS, "300000");
        // Empty: query.host:query.port, right for one instance or one per host with a routable query.host.
        defaults.put(TOPOLOGY_APPLICATION_SERVER, "");
        // A warm copy of each store elsewhere keeps queries answering when an instance dies (no effect alone).
        defaults.put(TOPOLOGY_NUM_STANDBY_REPLICAS, "1");
        // Scale out with instances first; threads share one process's memory budget below.
        defaults.put(TOPOLOGY_NUM_STREAM_THREADS, "1");
        // Which Kafka Streams applications this process runs: decisions, views (the query views) or all.
        defaults.put(TOPOLOGY_ROLE, TopologyRole.ALL.setting());
        // The views' own stream threads: they never take one from a decision.
        defaults.put(TOPOLOGY_VIEWS_NUM_STREAM_THREADS, String.valueOf(AttributionService.DEFAULT_VIEWS_STREAM_THREADS));
        defaults.put(TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES, String.valueOf(BoundedRocksDbMemory.DEFAULT_TOTAL_OFF_HEAP_BYTES));
        defaults.put(TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES, String.valueOf(BoundedRocksDbMemory.DEFAULT_TOTAL_MEMTABLE_BYTES));
        // A stream thread killed by an unhandled error is replaced this often within 10 minutes, then the topology stops.
        defaults.put(TOPOLOGY_MAX_THREAD_REPLACEMENTS, String.valueOf(AttributionService.DEFAULT_MAX_THREAD_REPLACEMENTS));
        // Empty: an id kept in the state directory (static membership: a restart takes its partitions back at once).
        defaults.put(TOPOLOGY_GROUP_INSTANCE_ID, "");
        // Kafka's 45 s would leave a crashed instance's partitions idle that long when it does not come back.
        defaults.put(TOPOLOGY_SESSION_TIMEOUT_MS, "15000");
        // How long a campaign catalog (ingest, admin) may be stuck before they refuse what needs it.
        defaults.put(CAMPAIGNS_MAX_STALE_MS, String.valueOf(CampaignCatalog.DEFAULT_MAX_STALENESS.toMillis()));
        defaults.put(QUERY_HOST, "127.0.0.1");
        defaults.put(QUERY_PORT, "8082");
        // Empty: the query API is open (keep query.host on loopback, or gate it yourself).
        defaults.put(QUERY_TOKENS_FILE, "");
        defaults.put(QUERY_PEER_TOKEN, "");
        defaults.put(TOPICS_PARTITIONS, "3");
        // -1: the broker's default.replication.factor.
        defaults.put(TOPICS_REPLICATION_FACTOR, "-1");
        // Metrics and liveness: loopback only unless the operator exposes them on purpose.
        defaults.put(MANAGEMENT_HOST, "127.0.0.1");
        defaults.put(MANAGEMENT_PORT, "9404");
        // Empty: no credentials, the JDK's trust (REGISTRY_AUTH_USERNAME sets registry.auth.username).
        for (String key : RegistryClientSettings.keys()) {
            defaults.put(REGISTRY_CLIENT_PREFIX + key, "");
        }
        return Map.copyOf(defaults);
    }

    /** Defaults, then {@code file} if given, then the environment. */
    public static PipelineSettings load(Optional<Path> file, Map<String, String> environment) throws IOException {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> kafkaClient = new LinkedHashMap<>();
        if (file.isPresent()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file.get())) {
                properties.load(reader);
            }
            Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
            unknown.removeAll(DEFAULTS.keySet());
            for (String key : new TreeSet<>(unknown)) {
                if (key.startsWith(KAFKA_CLIENT_PREFIX)) {
                    String clientKey = key.substring(KAFKA_CLIENT_PREFIX.length());
                    requireAllowed(clientKey, key + " in " + file.get());
                    kafkaClient.put(clientKey, properties.getProperty(key).trim());
                    unknown.remove(key);
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown settings in " + file.get() + ": " + unknown
                        + "; known settings are " + new TreeSet<>(DEFAULTS.keySet()) + " and Kafka client settings as "
                        + KAFKA_CLIENT_PREFIX + "<name>");
            }
            properties.stringPropertyNames().stream().filter(DEFAULTS::containsKey)
                    .forEach(key -> values.put(key, properties.getProperty(key).trim()));
        }
        for (String key : DEFAULTS.keySet()) {
            String fromEnvironment = environment.get(environmentName(key));
            if (fromEnvironment != null) {
                values.put(key, fromEnvironment.trim());
            }
        }
        kafkaClient.putAll(kafkaClientFromEnvironment(environment));
        PipelineSettings settings = new PipelineSettings(values, Map.copyOf(kafkaClient));
        settings.registryClient(""); // a bad registry client setting fails the start, not the first call
        return settings;
    }

    /** {@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}; the pipeline's own and the scripts' variables aside. */
    private static Map<String, String> kafkaClientFromEnvironment(Map<String, String> environment) {
        Set<String> own = new TreeSet<>();
        DEFAULTS.keySet().forEach(key -> own.add(environmentName(key)));
        Map<String, String> clientSettings = new TreeMap<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith("KAFKA_") || own.contains(name) || KAFKA_SCRIPT_VARIABLES.contains(name)) {
                continue;
            }
            String clientKey = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            requireAllowed(clientKey, "environment variable " + name);
            clientSettings.put(clientKey, variable.getValue().trim());
        }
        return clientSettings;
    }

    /** @param source where the setting came from, as the user would look for it */
    private static void requireAllowed(String clientKey, String source) {
        KafkaClientSettings.problem(clientKey).ifPresent(problem -> {
            throw new IllegalArgumentException(source + ": the Kafka client setting " + clientKey + " " + problem);
        });
    }

    public static PipelineSettings defaultsOnly() {
        return new PipelineSettings(new LinkedHashMap<>(DEFAULTS), Map.of());
    }

    /** Every setting there is; each is read from the environment under {@link #environmentName}. */
    public static Set<String> keys() {
        return DEFAULTS.keySet();
    }

    /** {@code kafka.bootstrap.servers} is read from {@code KAFKA_BOOTSTRAP_SERVERS}. */
    public static String environmentName(String key) {
        return key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** With one setting changed; {@code kafka.<name>} sets a Kafka client setting. */
    public PipelineSettings with(String key, String value) {
        if (!DEFAULTS.containsKey(key) && key.startsWith(KAFKA_CLIENT_PREFIX)) {
            String clientKey = key.substring(KAFKA_CLIENT_PREFIX.length());
            requireAllowed(clientKey, key);
            Map<String, String> copy = new LinkedHashMap<>(kafkaClient);
            copy.put(clientKey, value);
            return new PipelineSettings(values, Map.copyOf(copy));
        }
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new PipelineSettings(copy, kafkaClient);
    }

    /** The Kafka client settings given, by Kafka's names, for every client of the cluster at {@code bootstrapServers}. */
    public KafkaClientSettings kafkaClients(String bootstrapServers) {
        return KafkaClientSettings.of(bootstrapServers, kafkaClient);
    }

    /** Whether any Kafka client setting was given (the embedded broker takes none). */
    public boolean hasKafkaClientSettings() {
        return !kafkaClient.isEmpty();
    }

    /** The registry at {@code url}, with the {@code registry.auth.*} and {@code registry.ssl.*} settings. */
    public RegistryClientSettings registryClient(String url) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : RegistryClientSettings.keys()) {
            given.put(key, values.getOrDefault(REGISTRY_CLIENT_PREFIX + key, ""));
        }
        return RegistryClientSettings.of(url, given);
    }

    public Optional<String> optional(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String string(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException(key + " must be set ("
                + environmentName(key) + ")"));
    }

    /**
     * The Kafka cluster and schema registry of a command that works on running ones (every command
     * but {@code run}, which starts embedded ones when none is set).
     *
     * @throws IllegalArgumentException naming both settings when either is missing
     */
    public KafkaAndRegistry kafkaAndRegistry() {
        Optional<String> kafka = optional(KAFKA_BOOTSTRAP_SERVERS);
        Optional<String> registry = optional(REGISTRY_URL);
        if (kafka.isEmpty() || registry.isEmpty()) {
            throw new IllegalArgumentException("this command works on a running Kafka cluster and schema registry: set "
                    + environmentName(KAFKA_BOOTSTRAP_SERVERS) + " and " + environmentName(REGISTRY_URL)
                    + " (the run command prints those of its embedded ones)");
        }
        return new KafkaAndRegistry(kafkaClients(kafka.get()), registryClient(registry.get()));
    }

    /** Where a command finds Kafka and the registry, and how its clients connect to them. */
    public record KafkaAndRegistry(KafkaClientSettings kafka, RegistryClientSettings registry) {

        /** {@code host:port,...} */
        public String bootstrapServers() {
            return kafka.bootstrapServers();
        }

        /** The registry's {@code /apis/registry/v2} URL. */
        public String registryUrl() {
            return registry.url();
        }
    }

    public int integer(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'");
        }
    }

    /** An integer of at least {@code minimum}; the error names the key. */
    public int integer(String key, int minimum) {
        int value = integer(key);
        if (value < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + ", was " + value);
        }
        return value;
    }

    /** A long of at least {@code minimum}, for sizes that may pass 2 GiB; the error names the key. */
    public long longInteger(String key, long minimum) {
        String value = string(key);
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'");
        }
        if (parsed < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + ", was " + parsed);
        }
        return parsed;
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(String key) {
        return optional(key).map(value -> Arrays.stream(value.split(",")).map(String::strip)
                .filter(item -> !item.isEmpty()).toList()).orElse(List.of());
    }

    /** {@code topology.role}; the error names the key and the values it takes. */
    public TopologyRole topologyRole() {
        return TopologyRole.parse(TOPOLOGY_ROLE, string(TOPOLOGY_ROLE));
    }

    public Duration millis(String key) {
        return Duration.ofMillis(integer(key));
    }

    /** Every setting and its value, Kafka client settings as {@code kafka.<name>}, for the startup log, secrets masked. */
    public Map<String, String> asMap() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((key, value) -> shown.put(key, KafkaClientSettings.shown(key, value)));
        for (String secret : new String[] {ADMIN_TOKEN, QUERY_PEER_TOKEN, ADMIN_TESTER_QUERY_TOKEN}) {
            shown.computeIfPresent(secret, (key, token) -> token.isEmpty() ? token : "***");
        }
        new TreeMap<>(kafkaClient).forEach((key, value) ->
                shown.put(KAFKA_CLIENT_PREFIX + key, KafkaClientSettings.shown(key, value)));
        return shown;
    }

    /**
     * Who may ask the query API what: open without {@value #QUERY_TOKENS_FILE}; with it, the
     * file's read tokens and {@value #QUERY_PEER_TOKEN} for the instances' own questions.
     *
     * @throws IllegalArgumentException the file cannot be read or is wrong, or the peer token is missing
     */
    public QueryAccess queryAccess() {
        Optional<String> file = optional(QUERY_TOKENS_FILE);
        if (file.isEmpty()) {
            return QueryAccess.open();
        }
        return QueryAccess.withTokens(QueryTokens.load(Path.of(file.get())), optional(QUERY_PEER_TOKEN).orElse(null));
    }
}
