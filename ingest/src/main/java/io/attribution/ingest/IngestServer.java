package io.attribution.ingest;

import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.CampaignCatalogMetrics;
import io.attribution.http.AllowedMethods;
import io.attribution.http.JettyServers;
import io.attribution.http.JsonErrorPages;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DoSHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The ingest edge: Jetty with the postback and click servlets and health endpoints, built apart from any
 * {@code main} so tests run it on port 0. Closing drains in-flight postbacks, then flushes the producer.
 */
public final class IngestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond this many distinct clients being rate-tracked, new ones are refused too (memory bound). */
    private static final int MAX_TRACKED_CLIENTS = 100_000;
    /**
     * Connections the kernel holds until the acceptor takes them. Jetty's default (0) binds with
     * Java's backlog of 50: a burst of more new connections while the acceptor thread waits for a
     * CPU overflows it, and the dropped handshakes stall those clients 1 + 2 + 4... s.
     */
    static final int ACCEPT_QUEUE_SIZE = 1024;

    private final Server server;
    private final ServerConnector connector;
    private final RegisteredSchema<RawPostback> postbackSchema;
    private final PostbackPublisher publisher;
    private final RegisteredSchema<Click> clickSchema;
    private final ClickPublisher clickPublisher;
    private final KafkaReadiness readiness;
    private final CampaignCatalog campaigns;
    private final PrometheusRegistry metricsRegistry;

    private IngestServer(IngestConfig config, KafkaClientSettings cluster, RegistrySerdes serdes,
                         PrometheusRegistry registry) {
        IngestMetrics metrics = new IngestMetrics(registry);
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("ingest");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // One buffer for the request line and headers: a longer URI is 414, longer headers 431.
        http.setRequestHeaderSize(config.maxRequestHeaderBytes());
        http.setMinRequestDataRate(config.minRequestDataRate());
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
        server.addConnector(connector);

        // Registered and checked in the background: no request thread ever waits on the registry (Apicurio's
        // serializer calls it without a timeout); while the id cannot be trusted a postback gets a quick 503.
        this.postbackSchema = RegisteredSchema.start(serdes.registry(), Topics.POSTBACKS_RAW,
                config.registryRequestTimeout(), config.registryCheckInterval());
        this.publisher = new PostbackPublisher(cluster, postbackSchema, config.produceTimeout(),
                metrics);
        this.clickSchema = RegisteredSchema.start(serdes.registry(), Topics.CLICKS,
                config.registryRequestTimeout(), config.registryCheckInterval());
        this.clickPublisher = new ClickPublisher(cluster, clickSchema, config.produceTimeout(), metrics);
        this.readiness = new KafkaReadiness(cluster);
        this.campaigns = CampaignCatalog.start(cluster, serdes, "ingest-campaign-catalog",
                config.campaignsMaxStale());
        this.metricsRegistry = registry;
        CampaignCatalogMetrics.register(registry, campaigns);
        ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
        PostbackRequestReader reader = new PostbackRequestReader(Clock.systemUTC(), clientAddress,
                new EdgeGuard(campaigns, new RequestSignature(config.signatureTolerance(), Clock.systemUTC())),
                config.maxBodyBytes());

        ServletContextHandler context = new ServletContextHandler("/");
        // The servlet's own deadline is a backstop over the producer's delivery timeout.
        Duration answerTimeout = config.produceTimeout().plus(Duration.ofSeconds(1));
        ServletHolder postbacks = new ServletHolder("postback",
                new PostbackServlet(publisher, reader,
                        new RefusalBudget(config.maxRecordedRefusalsPerSecond(), System::nanoTime), metrics,
                        threads, answerTimeout, config.retryAfter()));
        postbacks.setAsyncSupported(true);
        context.addServlet(postbacks, "/postback");
        ServletHolder clicks = new ServletHolder("click", new ClickServlet(clickPublisher, campaigns, clientAddress,
                config.clickDurability(), new StoredAnswers(threads, answerTimeout), Clock.systemUTC(),
                config.retryAfter().toSeconds()));
        clicks.setAsyncSupported(true);
        context.addServlet(clicks, IngestMetrics.CLICK_PATH);
        context.addServlet(new ServletHolder("healthz", HealthServlet.liveness()), "/healthz");
        context.addServlet(new ServletHolder("readyz", HealthServlet.readiness(readiness, postbackSchema, clickSchema,
                campaigns)), "/readyz");
        context.setErrorHandler(JsonErrorPages.forContext(PostbackAnswers::jettyError));
        server.setErrorHandler(JsonErrorPages.forServer(PostbackAnswers::jettyError));

        server.setHandler(new GracefulHandler(new InFlightHandler(metrics,
                new AllowedMethods(limits(config, clientAddress, context), "GET", "POST", "HEAD", "OPTIONS"))));
        server.setRequestLog(new AnswerCounter(metrics));
        server.setStopTimeout(DRAIN_TIMEOUT.toMillis());
    }

    /**
     * Outermost first: a flooding client is turned away (429) before it takes one of the bounded
     * request slots (503 when all are busy). A client is the address {@link ClientAddress} resolves,
     * the one the campaigns' allow-lists see: behind our trusted proxies every advertiser would
     * otherwise share the proxies' few buckets. Bodies are size-checked by the postback servlet, the
     * only reader of bodies, so that an oversized postback is recorded like any other refusal.
     */
    private static Handler limits(IngestConfig config, ClientAddress clientAddress, Handler context) {
        QoSHandler concurrency = new QoSHandler(context);
        concurrency.setMaxRequestCount(config.maxConcurrentRequests());
        concurrency.setMaxSuspendedRequestCount(config.maxConcurrentRequests());
        concurrency.setMaxSuspend(config.maxQueueWait());
        return new DoSHandler(concurrency,
                request -> clientAddress.resolve(Request.getRemoteAddr(request),
                        ClientAddress.forwardedFor(request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR))),
                new DoSHandler.LeakingBucketTrackerFactory(config.maxRequestsPerSecond()),
                new DoSHandler.StatusRejectHandler(HttpStatus.TOO_MANY_REQUESTS_429), MAX_TRACKED_CLIENTS);
    }

    /** Starts serving, with metrics nobody scrapes; returns once the port is bound. */
    public static IngestServer start(IngestConfig config, String bootstrapServers, RegistrySerdes serdes) throws Exception {
        return start(config, bootstrapServers, serdes, new PrometheusRegistry());
    }

    /**
     * Starts serving; returns once the port is bound.
     *
     * @param registry where the edge's {@code postback_*} metrics are registered: one edge per registry
     */
    public static IngestServer start(IngestConfig config, String bootstrapServers, RegistrySerdes serdes,
                                     PrometheusRegistry registry) throws Exception {
        return start(config, KafkaClientSettings.plaintext(bootstrapServers), serdes, registry);
    }

    /**
     * Starts serving; returns once the port is bound.
     *
     * @param cluster  the Kafka cluster and the operator's client settings for it (TLS, SASL)
     * @param registry where the edge's {@code postback_*} metrics are registered: one edge per registry
     */
    public static IngestServer start(IngestConfig config, KafkaClientSettings cluster, RegistrySerdes serdes,
                                     PrometheusRegistry registry) throws Exception {
        IngestServer ingest = new IngestServer(config, cluster, serdes, registry);
        try {
            if (!ingest.postbackSchema.awaitFirstCheck()) {
                // Serving anyway: every postback gets 503 and /readyz says why until the registry answers.
                LOG.warn("Postback schema not registered: postbacks are refused until the registry at {} answers",
                        serdes.registryUrl());
            }
            if (!ingest.clickSchema.awaitFirstCheck()) {
                LOG.warn("Click schema not registered: clicks are answered 503 until the registry at {} answers",
                        serdes.registryUrl());
            }
            if (!ingest.campaigns.awaitCaughtUp(CATALOG_TIMEOUT)) {
                // Serving anyway: postbacks naming no campaign can be stored; those naming one get
                // 503 and /readyz says why until the catalog is current.
                LOG.warn("Campaigns not loaded within {}: postbacks naming a campaign are refused until they are",
                        CATALOG_TIMEOUT);
            }
            ingest.server.start();
        } catch (Exception e) {
            ingest.close();
            throw e;
        }
        LOG.info("Ingest listening on {}", ingest.uri());
        return ingest;
    }

    /** Whether postbacks can be written under a schema id the registry holds, for the management port's readiness. */
    public RegisteredSchema.Health postbackSchema() {
        return postbackSchema.health();
    }

    /** The ingest's copy of the campaigns topic, for the management port's readiness. */
    public CampaignCatalog campaigns() {
        return campaigns;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** e.g. {@code http://127.0.0.1:8080/} */
    public URI uri() {
        return JettyServers.uri(connector);
    }

    @Override
    public void close() {
        try {
            JettyServers.stop(server, "Ingest server", LOG);
        } finally {
            publisher.close();
            clickPublisher.close();
            postbackSchema.close();
            clickSchema.close();
            readiness.close();
            CampaignCatalogMetrics.unregister(metricsRegistry, campaigns);
            campaigns.close();
        }
    }
}
