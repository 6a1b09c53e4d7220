package io.attribution.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.CampaignCatalogMetrics;
import io.attribution.http.JettyServers;
import io.attribution.http.JsonAnswers;
import io.attribution.http.JsonErrorPages;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RecordSerdes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The campaign admin API on its own port, apart from the public postback port. */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final long MAX_BODY_BYTES = 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final CampaignAdmin admin;
    private final Optional<TestClicks> testClicks;
    private PrometheusRegistry metricsRegistry;

    private AdminServer(String host, int port, String adminToken, CampaignAdmin admin, Optional<TestClicks> testClicks,
                        Optional<TesterRelay> testerRelay) {
        if (adminToken == null || adminToken.length() < 16) {
            throw new IllegalArgumentException("the admin token must be set and at least 16 characters long");
        }
        this.admin = admin;
        this.testClicks = testClicks;
        this.server = new Server();
        this.connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        AdminAuthorization authorization = new AdminAuthorization(adminToken);
        context.addServlet(new ServletHolder("campaigns", new CampaignAdminServlet(admin, authorization)), "/campaigns/*");
        context.addServlet(new ServletHolder("tester", new PostbackTesterServlet(admin, authorization, testClicks,
                testerRelay)), "/tester/*");
        context.setErrorHandler(JsonErrorPages.forContext(AdminServer::jettyError));
        server.setErrorHandler(JsonErrorPages.forServer(AdminServer::jettyError));
        SizeLimitHandler sizeLimit = new SizeLimitHandler(MAX_BODY_BYTES, -1);
        sizeLimit.setHandler(context);
        server.setHandler(sizeLimit);
    }

    /** The body of an error Jetty answers itself: an unknown path, a body over the limit... */
    private static ObjectNode jettyError(int code, String message) {
        return JsonAnswers.error("error", code == 404 ? "NOT_FOUND" : "HTTP_" + code, null, message);
    }

    public static AdminServer start(String host, int port, String adminToken, String bootstrapServers,
                                    RecordSerdes serdes) throws Exception {
        return start(host, port, adminToken, bootstrapServers, serdes, new PrometheusRegistry(),
                CampaignCatalog.DEFAULT_MAX_STALENESS);
    }

    /**
     * @param registry          where the catalog's {@code campaign_catalog_*} metrics are reported
     * @param catalogMaxStale   how long the campaign catalog may be stuck before every call is refused (503)
     */
    public static AdminServer start(String host, int port, String adminToken, String bootstrapServers,
                                    RecordSerdes serdes, PrometheusRegistry registry, Duration catalogMaxStale)
            throws Exception {
        return start(host, port, adminToken, KafkaClientSettings.plaintext(bootstrapServers), serdes, registry,
                catalogMaxStale);
    }

    /** @param cluster the Kafka cluster and the operator's client settings for it (TLS, SASL) */
    public static AdminServer start(String host, int port, String adminToken, KafkaClientSettings cluster,
                                    RecordSerdes serdes, PrometheusRegistry registry, Duration catalogMaxStale)
            throws Exception {
        return start(host, port, adminToken, cluster, serdes, registry, catalogMaxStale, Optional.empty());
    }

    /**
     * @param tester the ingest server and query API the postback tester ({@code /tester}) fires
     *               postbacks at and reads their fate from; empty: the tester is off
     */
    public static AdminServer start(String host, int port, String adminToken, KafkaClientSettings cluster,
                                    RecordSerdes serdes, PrometheusRegistry registry, Duration catalogMaxStale,
                                    Optional<TesterTargets> tester) throws Exception {
        CampaignAdmin admin = new CampaignAdmin(cluster, serdes, catalogMaxStale);
        CampaignCatalogMetrics.register(registry, admin.catalog());
        Optional<TestClicks> testClicks = Optional.empty();
        AdminServer server;
        try {
            testClicks = tester.map(targets -> new TestClicks(cluster, serdes, Clock.systemUTC()));
            server = new AdminServer(host, port, adminToken, admin, testClicks, tester.map(TesterRelay::new));
            admin.awaitCatalog(Duration.ofSeconds(30));
            server.server.start();
        } catch (Exception | Error e) {
            CampaignCatalogMetrics.unregister(registry, admin.catalog());
            testClicks.ifPresent(TestClicks::close);
            admin.close();
            throw e;
        }
        server.metricsRegistry = registry;
        LOG.info("Campaign admin API listening on {}", server.uri());
        return server;
    }

    /** The admin's copy of the campaigns topic, for the management port's readiness. */
    public CampaignCatalog campaigns() {
        return admin.catalog();
    }

    public URI uri() {
        return JettyServers.uri(connector);
    }

    @Override
    public void close() {
        try {
            JettyServers.stop(server, "Admin server", LOG);
        } finally {
            CampaignCatalogMetrics.unregister(metricsRegistry, admin.catalog());
            testClicks.ifPresent(TestClicks::close);
            admin.close();
        }
    }
}
