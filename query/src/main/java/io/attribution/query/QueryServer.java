package io.attribution.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.http.AllowedMethods;
import io.attribution.http.JettyServers;
import io.attribution.http.JsonAnswers;
import io.attribution.http.JsonErrorPages;
import io.attribution.query.access.CampaignOwners;
import io.attribution.query.access.QueryAccess;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.routing.QueryRouter;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The query API's HTTP server (Jetty, ee10 servlets), GET only. It starts before Kafka Streams,
 * because an instance's {@code application.server} must name a bound port when Kafka Streams is
 * built; {@link #attach} then hands it the router, and until then its endpoints answer 503.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final AtomicReference<QueryRouter> router = new AtomicReference<>();
    private final AtomicReference<CampaignOwners> owners = new AtomicReference<>(CampaignOwners.NOT_READ);
    private final QueryAccess access;

    private QueryServer(Builder builder) {
        this.access = builder.access;
        QueuedThreadPool threads = new QueuedThreadPool(builder.maxThreads, Math.min(4, builder.maxThreads));
        threads.setName("query");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(builder.host);
        connector.setPort(builder.port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        builder.endpoints.forEach((pathSpec, endpoint) ->
                context.addServlet(new ServletHolder(pathSpec, new QueryServlet(endpoint, router::get, access, owners::get)), pathSpec));
        builder.servlets.forEach((pathSpec, servlet) -> context.addServlet(new ServletHolder(pathSpec, servlet), pathSpec));
        context.setErrorHandler(JsonErrorPages.forContext(QueryServer::jettyError));
        server.setErrorHandler(JsonErrorPages.forServer(QueryServer::jettyError));
        server.setHandler(new AllowedMethods(context, "GET"));
        // A query holds no state worth draining for: stop promptly.
        server.setStopTimeout(1_000);
    }

    /** The body of an error Jetty raises itself: 404 for an unknown path, 400 for a malformed URI... */
    private static ObjectNode jettyError(int code, String message) {
        String error = switch (code) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            default -> "HTTP_" + code;
        };
        return JsonAnswers.error(null, error, null, message);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Hands the endpoints their router, once Kafka Streams exists; before this they answer 503. */
    public void attach(QueryRouter router) {
        this.router.set(Objects.requireNonNull(router, "router"));
    }

    /**
     * Hands the endpoints their router and who owns each campaign (what advertisers' and
     * affiliates' tokens are checked against); before this scoped questions answer 503.
     */
    public void attach(QueryRouter router, CampaignOwners owners) {
        this.owners.set(Objects.requireNonNull(owners, "owners"));
        attach(router);
    }

    /** Who may ask what: what the routers this server is attached to must send to other instances. */
    public QueryAccess access() {
        return access;
    }

    /** The bound port (the one chosen when built with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** e.g. {@code http://127.0.0.1:8090/} */
    public URI uri() {
        return JettyServers.uri(connector);
    }

    @Override
    public void close() {
        JettyServers.stop(server, "Query server", LOG);
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int maxThreads = 32;
        private final Map<String, QueryEndpoint> endpoints = new LinkedHashMap<>();
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private QueryAccess access = QueryAccess.open();

        private Builder() {
        }

        /** Default {@link QueryAccess#open()}: every question answered in full. */
        public Builder access(QueryAccess access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** Interface to bind; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Default 0: a free port, read back with {@link #port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Bounds concurrent requests. A question forwarded to another instance holds its thread
         * until that instance answers (at most the router's request timeout); local-scope requests
         * never wait on anyone, so instances cannot deadlock each other. Default 32.
         */
        public Builder maxThreads(int maxThreads) {
            if (maxThreads < 4) {
                throw new IllegalArgumentException("maxThreads must be at least 4, was " + maxThreads);
            }
            this.maxThreads = maxThreads;
            return this;
        }

        /** @param pathSpec a servlet path spec: {@code /counts} exactly, {@code /counts/*} with the key as path info */
        public Builder endpoint(String pathSpec, QueryEndpoint endpoint) {
            put(pathSpec);
            endpoints.put(pathSpec, Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /** A plain servlet beside the query endpoints (not routed), e.g. a health check. */
        public Builder servlet(String pathSpec, HttpServlet servlet) {
            put(pathSpec);
            servlets.put(pathSpec, Objects.requireNonNull(servlet, "servlet"));
            return this;
        }

        private void put(String pathSpec) {
            if (endpoints.containsKey(pathSpec) || servlets.containsKey(pathSpec)) {
                throw new IllegalArgumentException("path " + pathSpec + " is mapped twice");
            }
        }

        /** Builds and starts the server; returns once the port is bound. */
        public QueryServer start() throws Exception {
            QueryServer query = new QueryServer(this);
            try {
                query.server.start();
            } catch (Exception e) {
                query.close();
                throw e;
            }
            LOG.info("Query API listening on {}", query.uri());
            return query;
        }
    }
}
