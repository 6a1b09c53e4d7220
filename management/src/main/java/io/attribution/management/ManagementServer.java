package io.attribution.management;

import io.attribution.http.AllowedMethods;
import io.attribution.http.JettyServers;
import io.attribution.http.JsonAnswers;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text format), {@code GET /healthz} (liveness) and
 * {@code GET /readyz} (readiness) on a port of their own: scrapes and probes never compete with
 * advertisers for the public edge's request slots and rate limits, and the metrics are not exposed
 * wherever the public port is. Health answers 200 or 503 with every part's state:
 * {@code {"status":"down","topology":"ERROR"}}.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final Server server;
    private final ServerConnector connector;

    private ManagementServer(String host, int port, PrometheusRegistry registry, HealthChecks health) {
        // A scraper and a probe or two: a handful of threads is plenty.
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("management");
        this.server = new Server(threads);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("metrics", new PrometheusMetricsServlet(registry)), "/metrics");
        context.addServlet(new ServletHolder("healthz", new Health(health::live)), "/healthz");
        context.addServlet(new ServletHolder("readyz", new Health(health::ready)), "/readyz");
        server.setHandler(new AllowedMethods(context, "GET", "HEAD"));
    }

    /**
     * Starts serving {@code registry}; returns once the port is bound.
     *
     * @param port 0 picks a free port
     */
    public static ManagementServer start(String host, int port, PrometheusRegistry registry) throws Exception {
        return start(host, port, registry, new HealthChecks());
    }

    /**
     * Starts serving {@code registry} and {@code health}; returns once the port is bound. Parts may
     * register their checks later, as they start.
     *
     * @param port 0 picks a free port
     */
    public static ManagementServer start(String host, int port, PrometheusRegistry registry, HealthChecks health)
            throws Exception {
        ManagementServer management = new ManagementServer(host, port, registry, health);
        try {
            management.server.start();
        } catch (Exception e) {
            management.close();
            throw e;
        }
        LOG.info("Management (metrics, health) listening on {}", management.uri());
        return management;
    }

    /** e.g. {@code http://127.0.0.1:9404/} */
    public URI uri() {
        return JettyServers.uri(connector);
    }

    @Override
    public void close() {
        JettyServers.stop(server, "Management server", LOG);
    }

    /** Every check of one kind: 200 when all are up (or there are none), else 503; the body names each part's state. */
    private static final class Health extends HttpServlet {

        private final Supplier<Map<String, HealthChecks.Status>> checks;

        Health(Supplier<Map<String, HealthChecks.Status>> checks) {
            this.checks = checks;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Map<String, HealthChecks.Status> parts = checks.get();
            boolean up = parts.values().stream().allMatch(HealthChecks.Status::up);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", up ? "up" : "down");
            parts.forEach((part, status) -> body.put(part, status.state()));
            JsonAnswers.write(response, up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
        }
    }
}
