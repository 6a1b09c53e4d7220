package io.attribution.bench;

import io.attribution.connect.postbacks.ConnectWorker;
import io.attribution.connect.postbacks.ExampleConnectorConfig;
import io.attribution.connect.postbacks.TestConversions;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;

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
import java.util.concurrent.TimeoutException;

/**
 * Outgoing postbacks per second through the affiliate-postbacks connector in a real Connect worker (the plugin
 * directory the affiliate-postbacks build lays out), against a local Jetty server that answers 200 at once.
 * Each run writes the conversions to a fresh topic first, then starts a connector on it, and times the affiliate
 * server from the first postback received to the last; a shorter warm-up run comes first and is not counted.
 * Not a test: run it by hand (see {@code bench/README.md}). Arguments: {@code name=value}, see
 * {@link PostbackBenchOptions}.
 */
public final class PostbackThroughputBenchmark {

    private static final String RESULT_FILE = "postback-benchmark.txt";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private PostbackThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the report.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        PostbackBenchOptions options = PostbackBenchOptions.parse(args);
        List<String> report = new ArrayList<>();
        report.add("load before: " + uptime());

        CompletableFuture<EmbeddedSchemaRegistry> registryStarted =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             CountingAffiliateServer affiliate = new CountingAffiliateServer();
             ConnectWorker worker = ConnectWorker.start(broker.bootstrapServers(), options.pluginPath(), Map.of());
             EmbeddedSchemaRegistry registry = registryStarted.join();
             TestConversions writer = new TestConversions(broker.bootstrapServers(),
                     new RegistrySerdes(registry.registryUrl()))) {
            List<Double> rates = new ArrayList<>();
            // Run 0 warms the JIT up (a quarter of the conversions) and is not counted.
            for (int run = 0; run <= options.runs(); run++) {
                int count = run == 0 ? Math.max(1_000, options.conversions() / 4) : options.conversions();
                String topic = "bench-conversions-" + run;
                TestConversions.createTopic(broker.bootstrapServers(), topic, 1);
                for (int i = 0; i < count; i++) {
                    writer.write(topic, TestConversions.conversion("aff-bench").setSubs(Map.of("sub1", "s" + i))
                            .build());
                }
                writer.flush();
                affiliate.reset();

                Map<String, String> config = new HashMap<>(ExampleConnectorConfig.read());
                config.keySet().removeIf(key -> key.startsWith("affiliates."));
                config.put("name", "bench-" + run);
                config.put("topics", topic);
                config.put("tasks.max", "1");
                config.put("value.converter.apicurio.registry.url", registry.registryUrl());
                config.put("http.max.in.flight.per.affiliate", String.valueOf(options.inflight()));
                config.put("affiliates.aff-bench.url", affiliate.url() + "/pb?click={click_id}&conv={conversion_id}"
                        + "&txn={txn_id}&payout={payout}&cur={currency}&status={status}&s1={sub1}");
                long created = System.nanoTime();
                ConnectWorker.Answer answer = worker.post("/connectors", Map.of("name", "bench-" + run, "config", config));
                if (answer.status() != 201) {
                    throw new IllegalStateException("Connect refused the connector: " + answer.status() + " "
                            + answer.body());
                }
                awaitPostbacks(affiliate, count);
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
                    options.conversions(), options.runs(), options.inflight(),
                    Runtime.getRuntime().availableProcessors()));
        }
        report.add("load after: " + uptime());
        String text = String.join(System.lineSeparator(), report);
        System.out.println(text);
        Path file = ResultFiles.inTarget(RESULT_FILE);
        Files.writeString(file, text + System.lineSeparator());
        System.out.println("written to " + file);
    }

    private static void awaitPostbacks(CountingAffiliateServer affiliate, int count)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (affiliate.count() < count) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the affiliate received " + affiliate.count() + " of " + count
                        + " postbacks in " + RUN_TIMEOUT);
            }
            Thread.sleep(POLL.toMillis());
        }
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
}
