package io.attribution.bench;

import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DoSHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The ingest server's Jetty, built the same way (see {@link IngestServer}), with a servlet that only
 * answers 200: what the edge would cost with no parsing, no checks and no Kafka.
 */
final class TrivialServer implements AutoCloseable {

    private static final byte[] ACCEPTED = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);

    private final Server server;
    private final ServerConnector connector;

    private TrivialServer(IngestConfig config) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("trivial");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.maxRequestHeaderBytes());
        http.setMinRequestDataRate(config.minRequestDataRate());
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(0);
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(1024); // as IngestServer.ACCEPT_QUEUE_SIZE
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("postback", new AcceptingServlet()), "/postback");
        server.setHandler(new GracefulHandler(limits(config, context)));
        server.setStopTimeout(15_000);
    }

    /** IngestServer.limits, verbatim. */
    private static Handler limits(IngestConfig config, Handler context) {
        QoSHandler concurrency = new QoSHandler(context);
        concurrency.setMaxRequestCount(config.maxConcurrentRequests());
        concurrency.setMaxSuspendedRequestCount(config.maxConcurrentRequests());
        concurrency.setMaxSuspend(config.maxQueueWait());
        return new DoSHandler(concurrency, DoSHandler.ID_FROM_REMOTE_ADDRESS,
                new DoSHandler.LeakingBucketTrackerFactory(config.maxRequestsPerSecond()),
                new DoSHandler.StatusRejectHandler(HttpStatus.TOO_MANY_REQUESTS_429), 100_000);
    }

    static TrivialServer start(IngestConfig config) throws Exception {
        TrivialServer trivial = new TrivialServer(config);
        trivial.server.start();
        return trivial;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class AcceptingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.getOutputStream().write(ACCEPTED);
        }
    }
}
