package io.attribution.bench;

import io.attribution.schemas.Topics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ingest throughput benchmark's table and summary, printed and appended to its file: runs with
 * different settings (such as the schema cache period) end up side by side.
 */
final class IngestThroughputReport {

    private IngestThroughputReport() {
    }

    static void append(IngestBenchOptions options, List<IngestRound> rounds, long stored, double loadBefore,
                       String producer) throws IOException {
        StringBuilder text = new StringBuilder();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        text.append(String.format(Locale.ROOT, "Ingest throughput benchmark, %s%n", Instant.now()));
        text.append(String.format(Locale.ROOT, "%d connections, %d s rounds (warm-up %d s), %d CPUs, Java %s, "
                        + "load average %.2f before / %.2f after%n",
                options.connections(), options.round().toSeconds(), options.warmup().toSeconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter));
        text.append(String.format(Locale.ROOT, "%-8s %-7s %10s %10s %9s %9s %9s %11s  %s%n",
                "round", "server", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "cpu us/req", "statuses"));
        List<Double> trivial = new ArrayList<>();
        List<Double> ingest = new ArrayList<>();
        List<Double> trivialCpu = new ArrayList<>();
        List<Double> ingestCpu = new ArrayList<>();
        long ingestAccepted = 0;
        int n = 0;
        for (IngestRound round : rounds) {
            PostbackLoad.Result r = round.result();
            if (round.server().equals("I") || round.server().equals("check")) {
                ingestAccepted += r.ok();
            }
            if (round.server().equals("check")) {
                continue;
            }
            if (!round.warmup()) {
                (round.server().equals("T") ? trivial : ingest).add(r.perSecond());
                (round.server().equals("T") ? trivialCpu : ingestCpu).add(r.cpuMicrosPerRequest());
            }
            text.append(String.format(Locale.ROOT, "%-8s %-7s %10d %10.0f %9.2f %9.2f %9.2f %11.0f  %s%n",
                    round.warmup() ? "warm-up" : Integer.toString(++n), round.server().equals("T") ? "trivial" : "ingest",
                    r.ok(), r.perSecond(), r.percentileMillis(50), r.percentileMillis(99), r.percentileMillis(100),
                    r.cpuMicrosPerRequest(), r.statuses()));
        }
        double medianTrivial = median(trivial);
        double medianIngest = median(ingest);
        text.append(String.format(Locale.ROOT, "median req/s: trivial %.0f, ingest %.0f; ratio ingest/trivial %.3f "
                + "(target >= 0.7)%n", medianTrivial, medianIngest, medianIngest / medianTrivial));
        text.append(String.format(Locale.ROOT, "median process CPU per request: trivial %.0f us, ingest %.0f us;"
                        + " CPU-bound ratio trivial/ingest %.3f (the req/s ratio a saturated, otherwise idle machine "
                        + "would approach)%n",
                median(trivialCpu), median(ingestCpu), median(trivialCpu) / median(ingestCpu)));
        text.append(String.format(Locale.ROOT, "records on %s: %d; 200 answers from ingest: %d%s%n",
                Topics.POSTBACKS_RAW.name(), stored, ingestAccepted,
                stored >= ingestAccepted ? "" : "  <-- FEWER RECORDS THAN 200s"));
        text.append(producer).append(System.lineSeparator());
        System.out.print(text);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println("appended to " + options.out().toAbsolutePath());
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
