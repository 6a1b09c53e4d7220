package io.attribution.bench;

import io.attribution.schemas.Topics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The ingest throughput benchmark's table and summary, printed and appended to its file: runs with
 * different settings (such as the schema cache period) end up side by side.
 */
final class IngestThroughputReport {

    private static final double TARGET_RATIO = 0.7;

    private IngestThroughputReport() {
    }

    static void append(IngestBenchOptions options, List<IngestRound> rounds, long stored, long storedClicks,
                       double loadBefore, String producer) throws IOException {
        StringBuilder text = new StringBuilder();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        text.append(String.format(Locale.ROOT, "Ingest throughput benchmark, %s%n", Instant.now()));
        text.append(String.format(Locale.ROOT, "%d connections, %d s rounds (warm-up %d s on each server), %d CPUs, "
                        + "Java %s, broker in its own process, load average %.2f before / %.2f after%n",
                options.connections(), options.round().toSeconds(), options.warmup().toSeconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter));
        text.append("cpu us/req: this process (load generator, servers, producers); broker us/req: the broker's "
                + "process").append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "%-8s %-10s %10s %10s %9s %9s %9s %11s %11s  %s%n",
                "round", "server", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "cpu us/req", "broker us",
                "statuses"));
        long durableAnswers = 0;
        long clickAnswers = 0;
        int n = 0;
        for (IngestRound round : rounds) {
            PostbackLoad.Result r = round.result();
            if (IngestRound.isClick(round.server())) {
                clickAnswers += r.ok();
            } else if (!round.server().equals(IngestRound.TRIVIAL)) {
                durableAnswers += r.ok();
            }
            if (!round.warmup() && round.server().equals(IngestRound.TRIVIAL)) {
                n++;
            }
            text.append(String.format(Locale.ROOT, "%-8s %-10s %10d %10.0f %9.2f %9.2f %9.2f %11.0f %11.0f  %s%n",
                    round.warmup() ? "warm-up" : Integer.toString(n), round.server(), r.ok(), r.perSecond(),
                    r.percentileMillis(50), r.percentileMillis(99), r.percentileMillis(100),
                    r.cpuMicrosPerRequest(), r.brokerCpuMicrosPerRequest(), r.statuses()));
        }
        List<IngestRound> measured = rounds.stream().filter(round -> !round.warmup()).toList();
        text.append(String.format(Locale.ROOT, "median of the measured rounds:%n%-10s %10s %9s %9s %11s %11s%n",
                "server", "req/s", "p50 ms", "p99 ms", "cpu us/req", "broker us"));
        for (String server : List.of(IngestRound.TRIVIAL, IngestRound.DURABLE, IngestRound.INGEST, IngestRound.CLICK,
                IngestRound.CLICK_NONE)) {
            text.append(String.format(Locale.ROOT, "%-10s %10.0f %9.2f %9.2f %11.0f %11.0f%n", server,
                    median(measured, server, PostbackLoad.Result::perSecond),
                    median(measured, server, r -> r.percentileMillis(50)),
                    median(measured, server, r -> r.percentileMillis(99)),
                    median(measured, server, PostbackLoad.Result::cpuMicrosPerRequest),
                    median(measured, server, PostbackLoad.Result::brokerCpuMicrosPerRequest)));
        }
        for (String baseline : List.of(IngestRound.DURABLE, IngestRound.TRIVIAL)) {
            double ratio = median(measured, IngestRound.INGEST, PostbackLoad.Result::perSecond)
                    / median(measured, baseline, PostbackLoad.Result::perSecond);
            text.append(String.format(Locale.ROOT, "ingest / %s: req/s %.3f; process CPU per request %s/ingest %.3f, "
                            + "process and broker %.3f%s%n", baseline, ratio, baseline,
                    median(measured, baseline, PostbackLoad.Result::cpuMicrosPerRequest)
                            / median(measured, IngestRound.INGEST, PostbackLoad.Result::cpuMicrosPerRequest),
                    median(measured, baseline, IngestThroughputReport::allCpu)
                            / median(measured, IngestRound.INGEST, IngestThroughputReport::allCpu),
                    baseline.equals(IngestRound.DURABLE) ? String.format(Locale.ROOT, " (target req/s >= %.1f: %s)",
                            TARGET_RATIO, ratio >= TARGET_RATIO ? "MET" : "NOT MET") : ""));
        }
        text.append(String.format(Locale.ROOT, "records on %s: %d; 200 answers from ingest and durable: %d%s%n",
                Topics.POSTBACKS_RAW.name(), stored, durableAnswers,
                stored >= durableAnswers ? "" : "  <-- FEWER RECORDS THAN 200s"));
        text.append(String.format(Locale.ROOT, "records on %s: %d; 302 answers from click and click-none: %d%s%n",
                Topics.CLICKS.name(), storedClicks, clickAnswers,
                storedClicks >= clickAnswers ? "" : "  <-- FEWER RECORDS THAN 302s"));
        text.append(producer).append(System.lineSeparator());
        System.out.print(text);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println("appended to " + options.out().toAbsolutePath());
    }

    private static double allCpu(PostbackLoad.Result result) {
        return result.cpuMicrosPerRequest() + result.brokerCpuMicrosPerRequest();
    }

    private static double median(List<IngestRound> rounds, String server,
                                 ToDoubleFunction<PostbackLoad.Result> metric) {
        double[] sorted = rounds.stream().filter(round -> round.server().equals(server))
                .mapToDouble(round -> metric.applyAsDouble(round.result())).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
