package io.attribution.connect.postbacks;

import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.RegistrySerdes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outgoing postbacks per second through the connector in a real Connect worker, against a local Jetty server that
 * answers 200 at once. Not run by the build (the name matches neither *Test nor *IT); run it with
 *
 * <pre>
 * nice -n 15 mvn -B -q -o verify -pl connectors/affiliate-postbacks -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=PostbackThroughputBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
 *     [-Dbench.conversions=20000] [-Dbench.runs=3] [-Dbench.inflight=8]
 * </pre>
 *
 * Each run writes the conversions to a fresh topic first, then starts a connector on it, and times the affiliate
 * server from the first postback received to the last; a shorter warm-up run comes first and is not counted. The result goes to stdout and target/postback-benchmark.txt.
 */
class PostbackThroughputBenchmark {

    @Test
    void postbacksPerSecond() throws Exception {
        int conversions = Integer.getInteger("bench.conversions", 20_000);
        int runs = Integer.getInteger("bench.runs", 3);
        String inFlight = System.getProperty("bench.inflight", "8");
        List<String> report = new ArrayList<>();
        report.add("load before: " + uptime());

        CompletableFuture<EmbeddedSchemaRegistry> registryStarted = CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             CountingServer affiliate = new CountingServer();
             ConnectWorker worker = ConnectWorker.start(broker.bootstrapServers(), Map.of());
             EmbeddedSchemaRegistry registry = registryStarted.join();
             TestConversions writer = new TestConversions(broker.bootstrapServers(), new RegistrySerdes(registry.registryUrl()))) {
            List<Double> rates = new ArrayList<>();
            // Run 0 warms the JIT up (a quarter of the conversions) and is not counted.
            for (int run = 0; run <= runs; run++) {
                int count = run == 0 ? Math.max(1_000, conversions / 4) : conversions;
                String topic = "bench-conversions-" + run;
                TestConversions.createTopic(broker.bootstrapServers(), topic, 1);
                for (int i = 0; i < count; i++) {
                    writer.write(topic, TestConversions.conversion("aff-bench").setSubs(Map.of("sub1", "s" + i)).build());
                }
                writer.flush();
                affiliate.reset();

                Map<String, String> config = new HashMap<>(PostbackConfigTest.exampleConfig());
                config.keySet().removeIf(key -> key.startsWith("affiliates."));
                config.put("name", "bench-" + run);
                config.put("topics", topic);
                config.put("tasks.max", "1");
                config.put("value.converter.apicurio.registry.url", registry.registryUrl());
                config.put("http.max.in.flight.per.affiliate", inFlight);
                config.put("affiliates.aff-bench.url", affiliate.url() + "/pb?click={click_id}&conv={conversion_id}"
                        + "&txn={txn_id}&payout={payout}&cur={currency}&status={status}&s1={sub1}");
                long created = System.nanoTime();
                ConnectWorker.Answer answer = worker.post("/connectors", Map.of("name", "bench-" + run, "config", config));
                assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> affiliate.count() >= count);
                double seconds = (affiliate.lastNanos() - affiliate.firstNanos()) / 1e9;
                double rate = (count - 1) / seconds;
                double total = (affiliate.lastNanos() - created) / 1e9;
                if (run > 0) {
                    rates.add(rate);
                }
                report.add(String.format(Locale.ROOT, "%s: %d postbacks in %.2f s (first to last): %.0f/s; %.2f s "
                        + "from connector creation", run == 0 ? "warm-up" : "run " + run, count, seconds, rate, total));
                worker.delete("/connectors/bench-" + run);
            }
            List<Double> sorted = rates.stream().sorted().toList();
            report.add(String.format(Locale.ROOT, "median: %.0f postbacks/s (%d conversions, %d runs, "
                            + "http.max.in.flight.per.affiliate=%s, 1 task, %d cores)", sorted.get(sorted.size() / 2),
                    conversions, runs, inFlight, Runtime.getRuntime().availableProcessors()));
        }
        report.add("load after: " + uptime());
        String text = String.join(System.lineSeparator(), report);
        System.out.println(text);
        Files.writeString(Path.of("target", "postback-benchmark.txt"), text + System.lineSeparator());
    }

    private static String uptime() {
        try {
            Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            return out;
        } catch (IOException e) {
            return "uptime unavailable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Answers 200 with no body, counting requests and the times of the first and the last. */
    private static final class CountingServer implements AutoCloseable {

        private final Server server = new Server();
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong last = new AtomicLong();

        CountingServer() throws Exception {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    long now = System.nanoTime();
                    if (count.incrementAndGet() == 1) {
                        first.set(now);
                    }
                    last.accumulateAndGet(now, Math::max);
                    response.setStatus(200);
                    callback.succeeded();
                    return true;
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }

        void reset() {
            count.set(0);
            first.set(0);
            last.set(0);
        }

        long count() {
            return count.get();
        }

        long firstNanos() {
            return first.get();
        }

        long lastNanos() {
            return last.get();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
