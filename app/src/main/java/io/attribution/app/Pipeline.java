package io.attribution.app;

import io.attribution.admin.AdminServer;
import io.attribution.admin.TesterTargets;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.ingest.ClickDurability;
import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import io.attribution.management.HealthChecks;
import io.attribution.management.KafkaStreamsMetrics;
import io.attribution.management.ManagementServer;
import io.attribution.query.AttributionQueryApi;
import io.attribution.query.QueryServer;
import io.attribution.query.routing.QueryRouter;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.StateBounds;
import io.attribution.topology.StreamsSettings;
import io.attribution.topology.TopologyRole;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The running pipeline: Kafka and the registry (embedded when none is configured), the topics,
 * the attribution topology and the ingest edge. Closing stops them in reverse order: the edge
 * first, so no postback is accepted that could not be written.
 */
public final class Pipeline implements AutoCloseable {

    /** The parts one process may run. */
    public enum Part { INGEST, TOPOLOGY, ADMIN }

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration TOPOLOGY_READY_TIMEOUT = Duration.ofSeconds(60);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthChecks health = new HealthChecks();
    private CompletableFuture<KafkaStreams.State> topologyFailed = new CompletableFuture<>();
    private ManagementServer management;
    private KafkaClientSettings kafka;
    private RegistrySerdes serdes;
    private IngestServer ingest;
    private AdminServer admin;
    private boolean testerOn;
    private QueryServer query;
    private String adminToken;
    private boolean embedded;

    private Pipeline() {
    }

    /**
     * @param allowEmbedded start an in-process broker and a registry child process when the
     *                      settings name none; otherwise both must be configured
     */
    public static Pipeline start(PipelineSettings settings, Set<Part> parts, boolean allowEmbedded) throws Exception {
        Pipeline pipeline = new Pipeline();
        try {
            pipeline.startAll(settings, EnumSet.copyOf(parts), allowEmbedded);
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void startAll(PipelineSettings settings, Set<Part> parts, boolean allowEmbedded) throws Exception {
        LOG.info("Starting {} with settings {}", parts, settings.asMap());
        // First: a taken port fails the start before anything else runs, and liveness answers while Kafka starts.
        management = ManagementServer.start(settings.string(PipelineSettings.MANAGEMENT_HOST),
                settings.integer(PipelineSettings.MANAGEMENT_PORT), metrics, health);
        started.push(management);
        Map<String, String> streamsOverrides = Map.of();
        TopologyRole role = TopologyRole.ALL;
        int viewsThreads = AttributionService.DEFAULT_VIEWS_STREAM_THREADS;
        if (parts.contains(Part.TOPOLOGY)) {
            // Checked before Kafka starts, like the settings below.
            role = settings.topologyRole();
            viewsThreads = settings.integer(PipelineSettings.TOPOLOGY_VIEWS_NUM_STREAM_THREADS, 1);
            // Bound before Kafka Streams is built: application.server must name the port (0 picks one).
            query = AttributionQueryApi.start(settings.string(PipelineSettings.QUERY_HOST),
                    StreamsOverrides.queryPort(settings), Clock.systemUTC(), settings.queryAccess());
            started.push(query);
            // Checked before Kafka starts, so a bad setting fails in a second, not after the broker is up.
            streamsOverrides = StreamsOverrides.from(settings, query.port());
        }
        if (!allowEmbedded) {
            settings.kafkaAndRegistry();
        }
        Optional<String> configuredKafka = settings.optional(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS);
        Optional<String> configuredRegistry = settings.optional(PipelineSettings.REGISTRY_URL);
        embedded = configuredKafka.isEmpty();
        if (embedded && settings.hasKafkaClientSettings()) {
            // The embedded broker listens in plaintext: a secured setup without its cluster is a mistake.
            throw new IllegalArgumentException("Kafka client settings are given but no "
                    + PipelineSettings.KAFKA_BOOTSTRAP_SERVERS + " (" + PipelineSettings.environmentName(
                    PipelineSettings.KAFKA_BOOTSTRAP_SERVERS) + "): the embedded broker takes none");
        }
        EmbeddedRegistryStorage registryStorage = EmbeddedRegistryStorage.of(settings);
        CompletableFuture<EmbeddedSchemaRegistry> embeddedRegistry = null;
        if (configuredRegistry.isEmpty() && registryStorage == EmbeddedRegistryStorage.MEMORY) {
            // A separate process: it starts while the broker starts in this one.
            embeddedRegistry = CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
            CompletableFuture<EmbeddedSchemaRegistry> pending = embeddedRegistry;
            started.push(() -> pending.thenAccept(EmbeddedSchemaRegistry::close).exceptionally(e -> null).join());
        }
        if (configuredKafka.isPresent()) {
            kafka = settings.kafkaClients(configuredKafka.get());
        } else {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
            started.push(broker);
            kafka = settings.kafkaClients(broker.bootstrapServers());
        }
        if (configuredRegistry.isEmpty() && registryStorage == EmbeddedRegistryStorage.KAFKASQL) {
            // It keeps its schemas in the cluster, so it starts once the cluster is known, with its client settings.
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startKafkaSql(kafka.bootstrapServers(),
                    kafka.settings(), 0);
            started.push(registry);
            embeddedRegistry = CompletableFuture.completedFuture(registry);
        }
        String registryUrl = embeddedRegistry == null ? configuredRegistry.get() : awaitStarted(embeddedRegistry).registryUrl();
        serdes = new RegistrySerdes(settings.registryClient(registryUrl));

        // The first call to the cluster: bad credentials or trust end the start here, in one line.
        KafkaAccessFailure.explained(() -> TopicProvisioner.ensureTopics(kafka, settings));

        if (parts.contains(Part.TOPOLOGY)) {
            health.readiness("topology", () -> HealthChecks.Status.down("STARTING"));
            Path stateDir = stateDir(settings);
            AttributionSettings rules = new AttributionSettings(
                    settings.millis(PipelineSettings.TOPOLOGY_UNKNOWN_CLICK_GRACE_MS),
                    AttributionSettings.DEFAULT_GRACE_CHECK_INTERVAL,
                    Duration.ofDays(settings.integer(PipelineSettings.TOPOLOGY_CLICK_RETENTION_DAYS)),
                    settings.millis(PipelineSettings.TOPOLOGY_MAX_EVENT_TIME_SKEW_MS),
                    TopicProvisioner.inputPartitions(kafka),
                    new StateBounds(settings.integer(PipelineSettings.TOPOLOGY_MAX_CONVERSIONS_PER_CLICK),
                            StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY));
            Map<String, String> topologyOverrides = new LinkedHashMap<>(streamsOverrides);
            topologyOverrides.putAll(GroupMembership.overrides(settings, stateDir));
            // The views application's settings derive from these: its id, state folder and group
            // instance id get a "-views" suffix or folder (StreamsSettings.views).
            AttributionService topology = AttributionService.start(serdes, role, StreamsSettings.of(
                    settings.string(PipelineSettings.TOPOLOGY_APPLICATION_ID), kafka, stateDir, topologyOverrides),
                    viewsThreads, rules, TOPOLOGY_READY_TIMEOUT,
                    settings.integer(PipelineSettings.TOPOLOGY_MAX_THREAD_REPLACEMENTS, 0));
            started.push(topology);
            // Each store is routed with the metadata of the application that holds it.
            QueryRouter router = QueryRouter.builder(AttributionQueryApi.applications(role, topology.decisions(),
                            topology.views()), HostInfo.buildFromEndpoint(streamsOverrides.get(StreamsConfig.APPLICATION_SERVER_CONFIG)))
                    .peerAuthorization(query.access().peerAuthorization()).build();
            if (query.access().enforced()) {
                // Advertisers' and affiliates' tokens are checked against who owns each campaign.
                CampaignCatalog owners = CampaignCatalog.start(kafka, serdes, "query-campaign-owners",
                        settings.millis(PipelineSettings.CAMPAIGNS_MAX_STALE_MS));
                started.push(owners);
                watch("campaigns.query", owners);
                query.attach(router, new CatalogCampaignOwners(owners));
            } else {
                query.attach(router);
            }
            metrics.register(new KafkaStreamsMetrics(topology::metrics));
            CounterWithCallback.builder().name("topology_thread_replacements_total")
                    .help("Stream threads replaced after an unhandled error (topology.max.thread.replacements per 10 min)")
                    .callback(callback -> callback.call(topology.threadReplacements())).register(metrics);
            // Registered once the query API answers from it: ready means processing and answering.
            health.liveness("topology", topology::liveness);
            health.readiness("topology", topology::readiness);
            topologyFailed = topology.failed();
        }
        if (parts.contains(Part.INGEST)) {
            IngestConfig config = IngestConfig.builder()
                    .host(settings.string(PipelineSettings.INGEST_HOST))
                    .port(settings.integer(PipelineSettings.INGEST_PORT))
                    .maxBodyBytes(settings.integer(PipelineSettings.INGEST_MAX_BODY_BYTES))
                    .maxRequestHeaderBytes(settings.integer(PipelineSettings.INGEST_MAX_REQUEST_HEADER_BYTES))
                    .idleTimeout(settings.millis(PipelineSettings.INGEST_IDLE_TIMEOUT_MS))
                    .minRequestDataRate(settings.integer(PipelineSettings.INGEST_MIN_REQUEST_DATA_RATE))
                    .maxConcurrentRequests(settings.integer(PipelineSettings.INGEST_MAX_CONCURRENT_REQUESTS))
                    .maxRequestsPerSecond(settings.integer(PipelineSettings.INGEST_MAX_REQUESTS_PER_SECOND))
                    .maxRecordedRefusalsPerSecond(settings.integer(PipelineSettings.INGEST_MAX_RECORDED_REFUSALS_PER_SECOND))
                    .trustedProxies(settings.list(PipelineSettings.INGEST_TRUSTED_PROXIES))
                    .produceTimeout(settings.millis(PipelineSettings.INGEST_PRODUCE_TIMEOUT_MS))
                    .clickDurability(clickDurability(settings))
                    .campaignsMaxStale(settings.millis(PipelineSettings.CAMPAIGNS_MAX_STALE_MS))
                    .registryRequestTimeout(settings.millis(PipelineSettings.REGISTRY_REQUEST_TIMEOUT_MS))
                    .registryCheckInterval(settings.millis(PipelineSettings.REGISTRY_CHECK_INTERVAL_MS))
                    .build();
            health.readiness("campaigns.ingest", () -> HealthChecks.Status.down("STARTING"));
            ingest = IngestServer.start(config, kafka, serdes, metrics);
            started.push(ingest);
            watchPostbackSchema(ingest);
            watch("campaigns.ingest", ingest.campaigns());
        }
        if (parts.contains(Part.ADMIN)) {
            startAdmin(settings);
        }
    }

    private static EmbeddedSchemaRegistry awaitStarted(CompletableFuture<EmbeddedSchemaRegistry> registry) {
        try {
            return registry.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void startAdmin(PipelineSettings settings) throws Exception {
        Optional<String> configured = settings.optional(PipelineSettings.ADMIN_TOKEN);
        if (configured.isEmpty() && !embedded) {
            LOG.warn("Campaign admin API is off: set {} to start it",
                    PipelineSettings.environmentName(PipelineSettings.ADMIN_TOKEN));
            return;
        }
        adminToken = configured.orElseGet(AdminTokens::generate);
        health.readiness("campaigns.admin", () -> HealthChecks.Status.down("STARTING"));
        Optional<TesterTargets> tester = testerTargets(settings);
        admin = AdminServer.start(settings.string(PipelineSettings.ADMIN_HOST),
                settings.integer(PipelineSettings.ADMIN_PORT), adminToken, kafka, serdes, metrics,
                settings.millis(PipelineSettings.CAMPAIGNS_MAX_STALE_MS), tester);
        testerOn = tester.isPresent();
        started.push(admin);
        watch("campaigns.admin", admin.campaigns());
    }

    /**
     * Where the postback tester fires postbacks and reads their fate: the configured URLs, else this
     * process's own ingest server and query API. Without both, the tester is off.
     */
    private Optional<TesterTargets> testerTargets(PipelineSettings settings) {
        Optional<URI> ingestUrl = settings.optional(PipelineSettings.ADMIN_TESTER_INGEST_URL).map(URI::create)
                .or(this::ingestUri);
        Optional<URI> queryUrl = settings.optional(PipelineSettings.ADMIN_TESTER_QUERY_URL).map(URI::create)
                .or(this::queryUri);
        if (ingestUrl.isEmpty() || queryUrl.isEmpty()) {
            LOG.info("Postback tester (/tester on the admin API) is off: set {} and {}",
                    PipelineSettings.ADMIN_TESTER_INGEST_URL, PipelineSettings.ADMIN_TESTER_QUERY_URL);
            return Optional.empty();
        }
        return Optional.of(new TesterTargets(ingestUrl.get(), queryUrl.get(),
                settings.optional(PipelineSettings.ADMIN_TESTER_QUERY_TOKEN)));
    }

    /**
     * A campaign catalog is ready while current; only a stopped follower needs a restart (a stale
     * one waits for the registry or the broker, which a restart would not bring back).
     */
    private void watch(String part, CampaignCatalog catalog) {
        health.readiness(part, () -> {
            CampaignCatalog.Health now = catalog.health();
            return now.isCurrent() ? HealthChecks.Status.up(now.state().name()) : HealthChecks.Status.down(now.state().name());
        });
        health.liveness(part, () -> catalog.health().state() == CampaignCatalog.State.STOPPED
                ? HealthChecks.Status.down(CampaignCatalog.State.STOPPED.name()) : HealthChecks.Status.up("following"));
    }

    /** Ingest is ready while it writes postbacks under a schema id the registry holds (see {@link RegisteredSchema.State}). */
    private void watchPostbackSchema(IngestServer edge) {
        health.readiness("registry.ingest", () -> {
            RegisteredSchema.Health schema = edge.postbackSchema();
            return schema.acceptsRecords() ? HealthChecks.Status.up(schema.state().name())
                    : HealthChecks.Status.down(schema.state().name());
        });
    }

    /**
     * The configured state directory, or a fresh one for an embedded broker: its cluster is new on
     * every start, so state from an earlier run would describe offsets that no longer exist.
     */
    private Path stateDir(PipelineSettings settings) throws IOException {
        Optional<String> configured = settings.optional(PipelineSettings.TOPOLOGY_STATE_DIR);
        if (configured.isPresent()) {
            return Path.of(configured.get());
        }
        if (!embedded) {
            return Path.of("state");
        }
        Path temporary = Files.createTempDirectory("postback-pipeline-state");
        started.push(() -> Directories.deleteRecursively(temporary));
        return temporary;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The cluster with the operator's client settings, for every further client of it. */
    public KafkaClientSettings kafkaClients() {
        return kafka;
    }

    public RegistrySerdes serdes() {
        return serdes;
    }

    public boolean isEmbedded() {
        return embedded;
    }

    /** The query API, when this pipeline runs the topology. */
    public Optional<URI> queryUri() {
        return Optional.ofNullable(query).map(QueryServer::uri);
    }

    public Optional<URI> adminUri() {
        return Optional.ofNullable(admin).map(AdminServer::uri);
    }

    /** The postback tester's page, when the admin API runs with a tester (see {@link #testerTargets}). */
    public Optional<URI> testerUri() {
        return adminUri().filter(uri -> testerOn).map(uri -> uri.resolve("/tester"));
    }

    /** The admin token in force; shown to the user only when the embedded default made it up. */
    public Optional<String> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    /** {@code ingest.click.durability}; a bad value fails the start naming the setting. */
    private static ClickDurability clickDurability(PipelineSettings settings) {
        try {
            return ClickDurability.of(settings.string(PipelineSettings.INGEST_CLICK_DURABILITY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PipelineSettings.INGEST_CLICK_DURABILITY + " ("
                    + PipelineSettings.environmentName(PipelineSettings.INGEST_CLICK_DURABILITY) + "): "
                    + e.getMessage(), e);
        }
    }

    public Optional<URI> ingestUri() {
        return Optional.ofNullable(ingest).map(IngestServer::uri);
    }

    /**
     * Completes when either topology application stopped for good without being asked to (ERROR): the process
     * should then exit, so that whatever supervises it starts it again. Never completes without a topology.
     */
    public CompletableFuture<KafkaStreams.State> topologyFailed() {
        return topologyFailed;
    }

    /** Where {@code /metrics}, {@code /healthz} and {@code /readyz} are served, whichever parts run. */
    public URI managementUri() {
        return management.uri();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Could not stop {} cleanly", part, e);
            }
        }
    }
}
