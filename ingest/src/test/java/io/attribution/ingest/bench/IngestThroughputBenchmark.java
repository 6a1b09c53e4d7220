package io.attribution.ingest.bench;

import io.attribution.avro.Campaign;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.RegistrySerdes;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import io.attribution.schemas.Topics;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Durable ingest throughput with every check on, as a ratio to a trivial servlet answering 200 on
 * the same Jetty configuration in the same run (target: at least 0.7).
 *
 * <ul>
 *   <li><b>I</b>ngest: the real {@link IngestServer} on an embedded broker and registry: a campaign
 *   with a security token and an IP allow-list that the load passes, answers only after acks=all;
 *   the per-client rate limit raised so it does not throttle the load generator.</li>
 *   <li><b>T</b>rivial: the same thread pool, connector, HTTP configuration and handler chain
 *   (graceful, rate limit, concurrency limit, size limit, servlet context) around a servlet that
 *   answers 200 {@code {"status":"accepted"}}.</li>
 * </ul>
 * Both get the same load: N keep-alive connections from 127.0.0.1, each sending the same
 * postback GETs back to back, for a fixed time per round, in the order T,I,T,I,... after one warm-up
 * round each. Reported: requests/s per round, the median of each, and median(I) / median(T).
 *
 * <pre>
 * mvn -B -o -q -pl ingest -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp ingest/target/test-classes:ingest/target/classes:$(cat ingest/target/test.classpath) \
 *     io.attribution.ingest.bench.IngestThroughputBenchmark [--connections 64] [--seconds 10] \
 *     [--warmup-seconds 10] [--rounds 3] [--out ingest/target/ingest-throughput.txt] [--schema-check-period-ms N]
 * </pre>
 * Not a test: nothing runs it in the build.
 */
public final class IngestThroughputBenchmark {

    private static final String TOKEN = "bench-token-5d2f";
    private static final String CAMPAIGN = "bench-campaign";
    private static final byte[] ACCEPTED = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);

    private IngestThroughputBenchmark() {
    }

    /**
     * @param schemaCheckPeriodMs when set, the ingest producer's serializer keeps a resolved schema
     *                            this long (Apicurio's apicurio.registry.check-period-ms, 30 s by
     *                            default, after which the next send() asks the registry again)
     */
    record Options(int connections, Duration round, Duration warmup, int rounds, Path out, Long schemaCheckPeriodMs) {

        static Options parse(String[] args) {
            int connections = 64;
            int seconds = 10;
            int warmupSeconds = 10;
            int rounds = 3;
            Path out = Path.of("ingest/target/ingest-throughput.txt");
            Long schemaCheckPeriodMs = null;
            for (int i = 0; i < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    case "--schema-check-period-ms" -> schemaCheckPeriodMs = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(connections, Duration.ofSeconds(seconds), Duration.ofSeconds(warmupSeconds), rounds, out,
                    schemaCheckPeriodMs);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            prepareTopics(broker.bootstrapServers(), serdes);
            IngestConfig config = IngestConfig.builder().port(0).maxRequestsPerSecond(1_000_000).build();
            try (IngestServer ingest = IngestServer.start(config, broker.bootstrapServers(),
                    ingestSerdes(serdes, options.schemaCheckPeriodMs()));
                 TrivialServer trivial = TrivialServer.start(config)) {
                List<Round> rounds = run(options, ingest.port(), trivial.port());
                String producer = producerMetrics();
                long stored = storedPostbacks(broker.bootstrapServers());
                report(options, rounds, stored, loadBefore, producer);
            }
        }
        System.exit(0);
    }

    /** The registry serdes as shipped, or with the serializer's schema cache period overridden. */
    private static RecordSerdes ingestSerdes(RegistrySerdes shipped, Long checkPeriodMs) {
        if (checkPeriodMs == null) {
            return shipped;
        }
        return new RecordSerdes() {
            @Override
            public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
                Map<String, Object> config = new java.util.HashMap<>(shipped.config());
                config.put(SerdeConfig.CHECK_PERIOD_MS, checkPeriodMs);
                AvroSerde<V> serde = new AvroSerde<>();
                serde.configure(config, false);
                return serde;
            }
        };
    }

    private static List<Round> run(Options options, int ingestPort, int trivialPort) throws Exception {
        Load.Result check = Load.run("check", ingestPort, 1, Duration.ofMillis(200));
        if (check.ok() == 0 || !check.statuses().keySet().equals(java.util.Set.of(200))) {
            throw new IllegalStateException("ingest does not accept the benchmark postback: " + check.statuses());
        }
        List<Round> rounds = new ArrayList<>();
        rounds.add(new Round("T", true, Load.run("T", trivialPort, options.connections(), options.warmup())));
        rounds.add(new Round("I", true, Load.run("I", ingestPort, options.connections(), options.warmup())));
        for (int i = 0; i < options.rounds(); i++) {
            rounds.add(new Round("T", false, Load.run("T", trivialPort, options.connections(), options.round())));
            rounds.add(new Round("I", false, Load.run("I", ingestPort, options.connections(), options.round())));
        }
        rounds.add(new Round("check", true, check));
        return rounds;
    }

    record Round(String server, boolean warmup, Load.Result result) {
    }

    /** The ingest producer's own view (last 30 s window, i.e. the last ingest round): where a postback waits. */
    private static String producerMetrics() {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name =
                    new javax.management.ObjectName("kafka.producer:type=producer-metrics,client-id=postback-ingest");
            StringBuilder line = new StringBuilder("ingest producer (last window):");
            for (String metric : List.of("record-queue-time-avg", "record-queue-time-max", "request-latency-avg",
                    "request-latency-max", "records-per-request-avg", "batch-size-avg", "requests-in-flight",
                    "record-send-rate", "request-rate", "io-wait-ratio")) {
                Object value = server.getAttribute(name, metric);
                line.append(String.format(Locale.ROOT, " %s=%.2f", metric, ((Number) value).doubleValue()));
            }
            return line.toString();
        } catch (Exception e) {
            return "ingest producer metrics unavailable: " + e;
        }
    }

    private static void report(Options options, List<Round> rounds, long stored, double loadBefore, String producer)
            throws IOException {
        StringBuilder text = new StringBuilder();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        text.append(String.format(Locale.ROOT, "Ingest throughput benchmark, %s%n", Instant.now()));
        text.append(String.format(Locale.ROOT, "%d connections, %d s rounds (warm-up %d s), %d CPUs, Java %s, load average %.2f before / %.2f after%n",
                options.connections(), options.round().toSeconds(), options.warmup().toSeconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter));
        text.append("schema cache period of the ingest serializer: ").append(options.schemaCheckPeriodMs() == null
                ? "as shipped (RegistrySerdes: 3600000 ms)" : options.schemaCheckPeriodMs() + " ms").append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "%-8s %-7s %10s %10s %9s %9s %9s %11s  %s%n",
                "round", "server", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "cpu us/req", "statuses"));
        List<Double> trivial = new ArrayList<>();
        List<Double> ingest = new ArrayList<>();
        List<Double> trivialCpu = new ArrayList<>();
        List<Double> ingestCpu = new ArrayList<>();
        long ingestAccepted = 0;
        int n = 0;
        for (Round round : rounds) {
            Load.Result r = round.result();
            if (round.server().equals("I") || round.server().equals("check")) {
                ingestAccepted += r.ok();
            }
            if (round.server().equals("check")) {
                continue;
            }
            if (!round.warmup()) {
                (round.server().equals("T") ? trivial : ingest).add(r.perSecond());
            }
            if (!round.warmup()) {
                (round.server().equals("T") ? trivialCpu : ingestCpu).add(r.cpuMicrosPerRequest());
            }
            text.append(String.format(Locale.ROOT, "%-8s %-7s %10d %10.0f %9.2f %9.2f %9.2f %11.0f  %s%n",
                    round.warmup() ? "warm-up" : Integer.toString(++n), round.server().equals("T") ? "trivial" : "ingest",
                    r.ok(), r.perSecond(), r.percentileMillis(50), r.percentileMillis(99), r.percentileMillis(100),
                    r.cpuMicrosPerRequest(), r.statuses()));
        }
        double medianTrivial = median(trivial);
        double medianIngest = median(ingest);
        text.append(String.format(Locale.ROOT, "median req/s: trivial %.0f, ingest %.0f; ratio ingest/trivial %.3f (target >= 0.7)%n",
                medianTrivial, medianIngest, medianIngest / medianTrivial));
        text.append(String.format(Locale.ROOT, "median process CPU per request: trivial %.0f us, ingest %.0f us;"
                        + " CPU-bound ratio trivial/ingest %.3f (the req/s ratio a saturated, otherwise idle machine would approach)%n",
                median(trivialCpu), median(ingestCpu), median(trivialCpu) / median(ingestCpu)));
        text.append(String.format(Locale.ROOT, "records on %s: %d; 200 answers from ingest: %d%s%n", Topics.POSTBACKS_RAW.name(),
                stored, ingestAccepted, stored >= ingestAccepted ? "" : "  <-- FEWER RECORDS THAN 200s"));
        text.append(producer).append(System.lineSeparator());
        System.out.print(text);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), text, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("appended to " + options.out().toAbsolutePath());
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    // --- the servers --------------------------------------------------------------------------

    private static void prepareTopics(String bootstrapServers, RegistrySerdes serdes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(Topics.POSTBACKS_RAW.name(), 3, (short) 1),
                    new NewTopic(Topics.CAMPAIGNS.name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Campaign campaign = Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("bench-adv")
                .setGoals(List.of()).setSecurityToken(TOKEN).setAllowedIps(List.of("127.0.0.1/32", "::1")).build();
        try (KafkaProducer<String, Campaign> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), serdes.valueSerializer(Topics.CAMPAIGNS))) {
            producer.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), CAMPAIGN, campaign)).get();
        }
    }

    private static long storedPostbacks(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(Topics.POSTBACKS_RAW.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /**
     * The ingest server's Jetty, built the same way (see IngestServer), with a servlet that only
     * answers 200: what the edge would cost with no parsing, no checks and no Kafka.
     */
    static final class TrivialServer implements AutoCloseable {

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
            SizeLimitHandler sizeLimit = new SizeLimitHandler(config.maxBodyBytes(), -1);
            sizeLimit.setHandler(context);
            QoSHandler concurrency = new QoSHandler(sizeLimit);
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
    }

    static final class AcceptingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.getOutputStream().write(ACCEPTED);
        }
    }

    // --- the load -----------------------------------------------------------------------------

    /**
     * N connections from 127.0.0.1, each a thread sending a postback, reading the whole answer,
     * and sending the next one on the same connection (keep-alive) until the round's time is up.
     */
    static final class Load {

        /**
         * @param cpuNanos CPU time of this whole process (load generator, Jetty, ingest, broker) over
         *                 the round: unlike requests/s, hardly moved by other processes competing for the CPUs
         */
        record Result(long ok, Duration elapsed, Map<Integer, Long> statuses, long[] latencyNanos, long cpuNanos) {

            double perSecond() {
                return ok / (elapsed.toNanos() / 1e9);
            }

            double cpuMicrosPerRequest() {
                return ok == 0 ? Double.NaN : cpuNanos / 1e3 / ok;
            }

            double percentileMillis(int percentile) {
                if (latencyNanos.length == 0) {
                    return Double.NaN;
                }
                int index = (int) Math.min(latencyNanos.length - 1, Math.ceil(percentile / 100.0 * latencyNanos.length) - 1);
                return latencyNanos[Math.max(0, index)] / 1e6;
            }
        }

        static Result run(String name, int port, int connections, Duration duration) throws Exception {
            Worker[] workers = new Worker[connections];
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < connections; i++) {
                workers[i] = new Worker(name + "-" + i, port, go);
                workers[i].start();
            }
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            for (Worker worker : workers) {
                worker.deadline = deadline;
            }
            go.countDown();
            for (Worker worker : workers) {
                worker.join();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            long cpu = processCpuNanos() - cpuStart;
            long ok = 0;
            Map<Integer, Long> statuses = new TreeMap<>();
            int samples = 0;
            for (Worker worker : workers) {
                ok += worker.ok;
                worker.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
                samples += worker.latencyCount;
                if (worker.failure != null) {
                    statuses.merge(-1, 1L, Long::sum);
                }
            }
            long[] latencies = new long[samples];
            int at = 0;
            for (Worker worker : workers) {
                System.arraycopy(worker.latencies, 0, latencies, at, worker.latencyCount);
                at += worker.latencyCount;
            }
            Arrays.sort(latencies);
            return new Result(ok, elapsed, statuses, latencies, cpu);
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    static final class Worker extends Thread {

        private final int port;
        private final CountDownLatch go;
        private final String clientId;
        volatile long deadline;
        long ok;
        final Map<Integer, Long> statuses = new TreeMap<>();
        long[] latencies = new long[1 << 14];
        int latencyCount;
        Exception failure;
        private final byte[] buffer = new byte[16 * 1024];

        Worker(String clientId, int port, CountDownLatch go) {
            super("load-" + clientId);
            this.clientId = clientId;
            this.port = port;
            this.go = go;
        }

        @Override
        public void run() {
            long sequence = 0;
            Socket socket = null;
            try {
                go.await();
                while (System.nanoTime() < deadline) {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                        socket.setSoTimeout(30_000);
                    }
                    String id = clientId + "-" + sequence++;
                    byte[] request = ("GET /postback?click_id=bench-" + id + "&campaign_id=" + CAMPAIGN
                            + "&security_token=" + TOKEN + "&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=o-" + id
                            + "&sub1=affiliate-7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ingest-bench\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    long start = System.nanoTime();
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                    boolean keepAlive = readResponse(socket.getInputStream());
                    record(System.nanoTime() - start);
                    if (!keepAlive) {
                        socket.close();
                        socket = null;
                    }
                }
            } catch (Exception e) {
                failure = e;
            } finally {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // done anyway
                    }
                }
            }
        }

        private void record(long nanos) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = nanos;
        }

        /** Reads one answer (Content-Length or chunked); returns whether the connection stays open. */
        private boolean readResponse(InputStream in) throws IOException {
            int filled = 0;
            int headEnd;
            while ((headEnd = indexOfHeadEnd(buffer, filled)) < 0) {
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                filled += n;
            }
            String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            statuses.merge(status, 1L, Long::sum);
            if (status == 200) {
                ok++;
            }
            String lower = head.toLowerCase(Locale.ROOT);
            boolean keepAlive = !lower.contains("\r\nconnection: close");
            int bodyStart = headEnd + 4;
            int contentLength = header(lower, "content-length");
            if (contentLength >= 0) {
                skip(in, contentLength - (filled - bodyStart));
            } else if (lower.contains("transfer-encoding: chunked")) {
                readChunked(in, Arrays.copyOfRange(buffer, bodyStart, filled));
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                keepAlive = false;
            }
            return keepAlive;
        }

        private static int header(String head, String name) {
            int at = head.indexOf("\r\n" + name + ":");
            if (at < 0) {
                return -1;
            }
            int end = head.indexOf("\r\n", at + 2);
            return Integer.parseInt(head.substring(at + name.length() + 3, end < 0 ? head.length() : end).strip());
        }

        private static void skip(InputStream in, long bytes) throws IOException {
            while (bytes > 0) {
                long n = in.skip(bytes);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    n = 1;
                }
                bytes -= n;
            }
        }

        /** Reads chunks until the last one; {@code already} is what came with the head. */
        private static void readChunked(InputStream in, byte[] already) throws IOException {
            java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
            seen.write(already);
            while (!seen.toString(StandardCharsets.ISO_8859_1).contains("\r\n0\r\n\r\n")
                    && !seen.toString(StandardCharsets.ISO_8859_1).startsWith("0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed mid-chunk");
                }
                seen.write(b);
            }
        }

        private static int indexOfHeadEnd(byte[] bytes, int length) {
            for (int i = 3; i < length; i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    return i - 3;
                }
            }
            return -1;
        }
    }
}
