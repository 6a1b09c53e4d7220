package io.attribution.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The results as a table: every round, then the medians and the full / pass-through ratios. */
final class Report {

    /** The ratio the full topology should reach against the pass-through baseline. */
    static final double TARGET_RATIO = 0.7;

    private final StringBuilder text = new StringBuilder();

    private Report() {
    }

    static String of(BenchOptions options, String environment, double loadSeconds, List<RoundResult> results) {
        Report report = new Report();
        report.header(options, environment, loadSeconds);
        report.rounds(results);
        report.summary(results.stream().filter(result -> !result.warmup()).toList());
        return report.text.toString();
    }

    private void header(BenchOptions options, String environment, double loadSeconds) {
        line("Topology throughput: full attribution vs pass-through, same broker, registry, serdes and guarantee");
        line("  %s", environment);
        line("  input: 1 campaign (2 goals, no caps), %,d clicks, then %,d postbacks, each for a known click; "
                + "%d partitions; pre-loaded in %.1f s", options.clicks(), options.postbacks(), options.partitions(),
                loadSeconds);
        line("  both: exactly_once_v2, registry Avro serdes, %d stream thread(s), a fresh application id per round "
                + "reading all input from the beginning", options.threads());
        line("  records/s counts input POSTBACKS only. Both topologies also read all %,d clicks in the same time "
                + "(full: into its click store,", options.clicks());
        line("  pass-through: to %s); the clicks are not counted as records.", PassThroughTopology.CLICKS_OUT);
        line("  A round ends when a read_committed consumer has seen every output of the whole input:");
        line("    full: one per postback on conversions.attributed + conversions.rejected (a postback is");
        line("    attributed only after its click, so all clicks are done too);");
        line("    pass-through: one per postback and one per click.");
        line("  'start': from KafkaStreams.start(); 'RUNNING': from the first RUNNING state (tasks ready).");
        line("  'CPU': CPU time of this whole process (embedded broker included) in the round: the work done, "
                + "whatever else the machine is running.");
        line("  Warm-up rounds (if any) stop after a fifth of the outputs and are left out of the medians.");
        line("");
    }

    private void rounds(List<RoundResult> results) {
        line("%-13s %-9s %9s %12s %9s %12s %9s %12s  %s", "topology", "round", "start s", "records/s",
                "RUNNING s", "records/s", "CPU s", "per CPU-s", "outputs");
        for (RoundResult result : results) {
            line("%-13s %-9s %9.2f %,12.0f %9.2f %,12.0f %9.2f %,12.0f  %s", result.contender().name(),
                    (result.warmup() ? "warm-up " : "") + result.round(),
                    seconds(result.fromStart().toNanos()), result.perSecondFromStart(),
                    seconds(result.fromRunning().toNanos()), result.perSecondFromRunning(),
                    seconds(result.cpu().toNanos()), result.perCpuSecond(), result.outputs());
        }
        line("");
    }

    private void summary(List<RoundResult> measured) {
        line("%-28s %16s %16s %16s", "median postbacks/s", "from start", "from RUNNING", "per CPU-second");
        summaryRow("pass-through", Contender.PASS_THROUGH, measured);
        summaryRow("full attribution", Contender.FULL, measured);
        double ratio = ratio(measured, RoundResult::perSecondFromStart);
        line("%-28s %16.2f %16.2f %16.2f", "ratio full / pass-through", ratio,
                ratio(measured, RoundResult::perSecondFromRunning), ratio(measured, RoundResult::perCpuSecond));
        line("target: ratio from start >= %.2f: %s", TARGET_RATIO, ratio >= TARGET_RATIO ? "MET" : "NOT MET");
    }

    private void summaryRow(String label, Contender contender, List<RoundResult> measured) {
        line("%-28s %,16.0f %,16.0f %,16.0f", label, median(measured, contender, RoundResult::perSecondFromStart),
                median(measured, contender, RoundResult::perSecondFromRunning),
                median(measured, contender, RoundResult::perCpuSecond));
    }

    private static double ratio(List<RoundResult> measured, ToDoubleFunction<RoundResult> metric) {
        return median(measured, Contender.FULL, metric) / median(measured, Contender.PASS_THROUGH, metric);
    }

    private static double median(List<RoundResult> results, Contender contender, ToDoubleFunction<RoundResult> metric) {
        double[] values = results.stream().filter(result -> result.contender().equals(contender))
                .mapToDouble(metric).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private void line(String format, Object... args) {
        text.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
