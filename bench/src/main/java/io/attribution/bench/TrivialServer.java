package io.attribution.bench;

import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import io.attribution.ingest.PostbackPublisher;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The ingest server's Jetty, built the same way (see {@link IngestServer}), around a servlet that
 * does none of ingest's parsing and checks. Two of them:
 * <ul>
 *   <li>{@link #start trivial}: answers 200 at once, no Kafka: what the edge costs with no work.</li>
 *   <li>{@link #durable durable trivial}: an async servlet that sends the same pre-serialized postback
 *   bytes (keyed by the request's click id) through a producer with ingest's settings
 *   ({@link PostbackPublisher#producerConfig}: acks=all, idempotent, linger 2 ms) and answers 200 on
 *   the Jetty pool once the broker acknowledged it, 503 if it did not: the cost of durability itself.</li>
 * </ul>
 */
final class TrivialServer implements AutoCloseable {

    private static final byte[] ACCEPTED = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_STORED = "{\"status\":\"unavailable\"}".getBytes(StandardCharsets.UTF_8);

    private final Server server;
    private final ServerConnector connector;
    private final AutoCloseable resources;

    private TrivialServer(IngestConfig config, QueuedThreadPool threads, HttpServlet servlet, AutoCloseable resources) {
        this.resources = resources;
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
        ServletHolder holder = new ServletHolder("postback", servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/postback");
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

    /** The pool IngestServer uses. */
    private static QueuedThreadPool pool(String name) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName(name);
        return threads;
    }

    /** The trivial server: 200 at once. */
    static TrivialServer start(IngestConfig config) throws Exception {
        return started(new TrivialServer(config, pool("trivial"), new AcceptingServlet(), () -> { }));
    }

    /**
     * The durable trivial server.
     *
     * @param value the serialized postback every request sends
     */
    static TrivialServer durable(IngestConfig config, String bootstrapServers, String topic, byte[] value)
            throws Exception {
        Map<String, Object> settings = new HashMap<>(
                PostbackPublisher.producerConfig(bootstrapServers, config.produceTimeout()));
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-durable-trivial");
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        QueuedThreadPool threads = pool("durable-trivial");
        Duration answerTimeout = config.produceTimeout().plus(Duration.ofSeconds(1));
        HttpServlet servlet = new DurableServlet(producer, topic, value, threads, answerTimeout);
        return started(new TrivialServer(config, threads, servlet, () -> producer.close(Duration.ofSeconds(10))));
    }

    private static TrivialServer started(TrivialServer trivial) throws Exception {
        trivial.server.start();
        return trivial;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        resources.close();
    }

    private static void answer(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body);
    }

    private static final class AcceptingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            answer(response, HttpServletResponse.SC_OK, ACCEPTED);
        }
    }

    private static final class DurableServlet extends HttpServlet {

        private final transient KafkaProducer<String, byte[]> producer;
        private final String topic;
        private final byte[] value;
        private final transient Executor responder;
        private final Duration answerTimeout;

        DurableServlet(KafkaProducer<String, byte[]> producer, String topic, byte[] value, Executor responder,
                       Duration answerTimeout) {
            this.producer = producer;
            this.topic = topic;
            this.value = value;
            this.responder = responder;
            this.answerTimeout = answerTimeout;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(answerTimeout.toMillis());
            try {
                producer.send(new ProducerRecord<>(topic, request.getParameter("click_id"), value),
                        (metadata, error) -> responder.execute(() -> answer(async, error == null)));
            } catch (RuntimeException e) {
                answer(async, false);
            }
        }

        private static void answer(AsyncContext async, boolean stored) {
            try {
                TrivialServer.answer((HttpServletResponse) async.getResponse(),
                        stored ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        stored ? ACCEPTED : NOT_STORED);
            } catch (IOException | IllegalStateException clientGone) {
                // Nothing to answer to: the load counts what it got.
            } finally {
                async.complete();
            }
        }
    }
}
