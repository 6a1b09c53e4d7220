package io.attribution.bench;

import io.attribution.bench.QueryProbes.Kind;
import org.apache.kafka.common.utils.AppInfoParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** What the query latency benchmark found: the set-up, every round, then medians over rounds as markdown. */
final class QueryLatencyReport {

    private final QueryBenchOptions options;
    private final StringBuilder text = new StringBuilder();

    double writeSeconds;
    double inputSeconds;
    double loadSeconds;
    double loadCpuSeconds;
    boolean settled;
    double settledSeconds;
    final Map<String, String> ownership = new LinkedHashMap<>();
    String outcomes;
    String loadAverageBefore;
    String loadAverageAfter;
    int warmupErrors;
    final List<Map<Kind, Latencies>> rounds = new ArrayList<>();
    double forwardedShare;
    final List<String> errorSamples = new ArrayList<>();
    long heapUsedMiB;
    long heapAfterGcMiB;
    long heapMaxMiB;

    QueryLatencyReport(QueryBenchOptions options) {
        this.options = options;
    }

    /** Errors in the measured rounds. */
    int errors() {
        return rounds.stream().flatMap(round -> round.values().stream()).mapToInt(Latencies::errors).sum();
    }

    String text() {
        text.setLength(0);
        header();
        perRound();
        summary();
        return text.toString();
    }

    private void header() {
        Runtime runtime = Runtime.getRuntime();
        line("");
        line("Query API latency: 2 attribution topology instances in one process, sequential requests over "
                + "HTTP/1.1 keep-alive");
        line("  machine: %d cores, max heap %d MiB, Java %s (%s), %s %s; Kafka %s", runtime.availableProcessors(),
                runtime.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"), AppInfoParser.getVersion());
        line("  state: %,d clicks, %,d postbacks (%d campaigns, %d affiliates, one UTC day), %d partitions, "
                        + "%d stream thread(s) per instance, exactly_once_v2, no standby replicas",
                options.clicks(), options.postbacks(), options.campaigns(), options.affiliates(), options.partitions(),
                options.threads());
        line("  load: written in %.1f s; the instances committed all input %.1f s after start, and their views "
                + "had read every decision after %.1f s (%.1f CPU-s of this process); assignment %s after %.1f s",
                writeSeconds, inputSeconds, loadSeconds, loadCpuSeconds, settled ? "final" : "NOT final",
                settledSeconds);
        ownership.forEach((name, partitions) -> line("  %s active for partitions %s", name, partitions));
        line("  stats of the day: %s", outcomes);
        line("  warm-up: %,d requests of each kind (%d errors); then %d rounds of %,d requests of each kind, "
                + "kinds interleaved one request at a time", options.warmup(), warmupErrors, options.rounds(),
                options.requests());
        line("  keyed requests on a random instance that were forwarded to the owner: %.1f%%", forwardedShare * 100);
        line("  load average (1, 5, 15 min): %s before measuring, %s after", loadAverageBefore, loadAverageAfter);
        line("  heap after measuring: %,d MiB used, %,d MiB after a full GC, max %,d MiB (RocksDB is off-heap, "
                + "bounded at %d MiB)", heapUsedMiB, heapAfterGcMiB, heapMaxMiB, QueryNode.ROCKSDB_OFF_HEAP_BYTES >> 20);
        line("");
    }

    private void perRound() {
        line("%-32s %5s %8s %6s %8s %8s %8s %8s", "kind", "round", "requests", "errors", "p50 ms", "p90 ms", "p99 ms",
                "max ms");
        for (Kind kind : Kind.values()) {
            for (int r = 0; r < rounds.size(); r++) {
                Latencies latencies = rounds.get(r).get(kind);
                line("%-32s %5d %8d %6d %8.3f %8.3f %8.3f %8.3f", kind.label, r + 1, latencies.count(),
                        latencies.errors(), latencies.percentileMillis(50), latencies.percentileMillis(90),
                        latencies.percentileMillis(99), latencies.maxMillis());
            }
        }
        line("");
    }

    private void summary() {
        line("| kind | what | requests | errors | p50 ms | p90 ms | p99 ms | max ms |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Kind kind : Kind.values()) {
            line("| %s | %s | %,d | %d | %.3f | %.3f | %.3f | %.3f |", kind.label, kind.what,
                    (long) total(kind, Latencies::count), (long) total(kind, Latencies::errors), median(kind, 50),
                    median(kind, 90), median(kind, 99), max(kind));
        }
        line("");
        line("p50, p90, p99: medians over the %d rounds; max: the slowest request of all rounds; "
                + "requests: answered right (errors left out).", rounds.size());
        line("");
        line("| ratio | p50 | p99 |");
        line("|---|---:|---:|");
        ratio("keyed HTTP, random instance / in-process", Kind.KEYED, Kind.IN_PROCESS);
        ratio("keyed HTTP, local / in-process", Kind.KEYED_LOCAL, Kind.IN_PROCESS);
        ratio("keyed HTTP, forwarded / in-process", Kind.KEYED_FORWARDED, Kind.IN_PROCESS);
        ratio("keyed HTTP, forwarded / local", Kind.KEYED_FORWARDED, Kind.KEYED_LOCAL);
        ratio("fan-out / keyed HTTP, random instance", Kind.FAN_OUT, Kind.KEYED);
        line("");
        line("| run | |");
        line("|---|---|");
        line("| state | %,d clicks, %,d postbacks, %d partitions, 2 instances x %d stream thread(s) |", options.clicks(),
                options.postbacks(), options.partitions(), options.threads());
        line("| load time | %.1f s from the start of the instances until all processed, the views included "
                + "(input committed after %.1f s; written in %.1f s before) |", loadSeconds, inputSeconds,
                writeSeconds);
        line("| heap | %,d MiB used, %,d MiB after a full GC (max %,d MiB) |", heapUsedMiB, heapAfterGcMiB, heapMaxMiB);
        line("| load average while measuring | %s before, %s after (1, 5, 15 min) |", loadAverageBefore,
                loadAverageAfter);
        if (errors() > 0 || !errorSamples.isEmpty()) {
            line("");
            line("ERRORS: %d in the measured rounds, %d in the warm-up; the first ones:", errors(), warmupErrors);
            errorSamples.forEach(sample -> line("  %s", sample));
        }
    }

    private void ratio(String label, Kind numerator, Kind denominator) {
        line("| %s | %.1f | %.1f |", label, median(numerator, 50) / median(denominator, 50),
                median(numerator, 99) / median(denominator, 99));
    }

    private double total(Kind kind, ToDoubleFunction<Latencies> metric) {
        return rounds.stream().mapToDouble(round -> metric.applyAsDouble(round.get(kind))).sum();
    }

    private double median(Kind kind, double percent) {
        double[] values = rounds.stream().mapToDouble(round -> round.get(kind).percentileMillis(percent))
                .filter(value -> !Double.isNaN(value)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private double max(Kind kind) {
        return rounds.stream().mapToDouble(round -> round.get(kind).maxMillis()).filter(value -> !Double.isNaN(value))
                .max().orElse(Double.NaN);
    }

    private void line(String format, Object... args) {
        text.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
