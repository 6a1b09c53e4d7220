package io.attribution.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The results as tables: every round, the medians of each contender, the ratios, and what the last rounds wrote. */
final class Report {

    /** The rate the decisions should reach against the minimal stateful baseline (issue 12). */
    static final double TARGET_RATIO = 0.7;
    /** The most the views may cost, in stream-thread CPU per postback, against the decisions (issue 12). */
    static final double VIEWS_TARGET_RATIO = 0.5;

    private final StringBuilder text = new StringBuilder();

    private Report() {
    }

    static String of(BenchOptions options, String environment, List<RoundResult> results) {
        Report report = new Report();
        report.header(options, environment);
        report.rounds(results);
        List<RoundResult> measured = results.stream().filter(result -> !result.warmup()).toList();
        report.summary(options, measured);
        report.written(options, measured);
        return report.text.toString();
    }

    private void header(BenchOptions options, String environment) {
        line("Topology throughput: pass-through, minimal stateful and full attribution, same broker, registry, serdes "
                + "and guarantee");
        line("  %s", environment);
        line("  every contender: exactly_once_v2, registry Avro serdes, %d stream thread(s), %d partitions, a fresh "
                + "application id per round", options.threads(), options.partitions());
        line("  each round writes its own input first (the demo campaign: 2 goals, no caps) and its group starts at "
                + "the end of every topic it reads,");
        line("  so it reads that input only, and the views only that round's outputs");
        line("  ordinary mix: %d postbacks per click, clicks an hour older; clicks mix (full-clicks): %d clicks per "
                + "postback, interleaved", options.postbacksPerClick(), options.clicksPerPostback());
        line("  a round is done when the group has committed everything it reads (views and repartition topics "
                + "included); 'decided': the last");
        line("  decision committed, the rest is views catching up. Rates count from the first RUNNING state "
                + "(tasks ready).");
        line("  CPU per postback: 'thread' the stream threads, 'process' this JVM (application, output counter), "
                + "'broker' the broker's own process;");
        line("  from start to done. 'offsets' and 'bytes' per postback: what the round wrote to every topic "
                + "(end offsets and log sizes, before and after).");
        line("  The first round of each contender is %,d input records; every later one is sized to last %d s "
                + "at 1.5 times the fastest rate of the rounds before.", options.warmupRecords(),
                options.roundSeconds());
        line("");
    }

    private void rounds(List<RoundResult> results) {
        line("%-12s %-9s %9s %9s %6s %7s %7s %7s %10s %10s %8s %8s %8s %8s %8s %5s  %s", "contender", "round",
                "clicks", "postbacks", "load s", "start s", "RUN s", "views s", "postback/s", "click/s",
                "thread", "process", "broker", "offsets", "bytes", "load", "outputs");
        line("%-12s %-9s %9s %9s %6s %7s %7s %7s %10s %10s %8s %8s %8s %8s %8s %5s", "", "", "", "", "", "", "", "",
                "", "", "us/pb", "us/pb", "us/pb", "/pb", "/pb", "avg");
        for (RoundResult result : results) {
            line("%-12s %-9s %,9d %,9d %6.1f %7.2f %7.2f %7.2f %,10.0f %,10.0f %8.0f %8.0f %8.0f %8.2f %,8.0f %5.1f"
                            + "  %s",
                    result.contender().name(), (result.warmup() ? "warm-up " : "") + result.round(),
                    result.input().clicks(), result.input().postbacks(), seconds(result.load().toNanos()),
                    seconds(result.fromStart().toNanos()), seconds(result.fromRunning().toNanos()),
                    result.viewsLagSeconds(), result.postbacksPerSecond(), result.clicksPerSecond(),
                    result.threadMicrosPerPostback(), result.processMicrosPerPostback(),
                    result.brokerMicrosPerPostback(), result.offsetsPerPostback(), result.bytesPerPostback(),
                    result.loadAverage(), result.outputs());
        }
        line("");
    }

    private void summary(BenchOptions options, List<RoundResult> measured) {
        line("median of the measured rounds:");
        line("%-12s %12s %12s %10s %9s %9s %9s %9s %9s %9s %9s %8s", "contender", "postbacks/s", "from start",
                "clicks/s", "thread", "process", "broker", "offsets", "bytes", "app-own", "kafka's", "views s");
        line("%-12s %12s %12s %10s %9s %9s %9s %9s %9s %9s %9s %8s", "", "", "", "", "us/pb", "us/pb", "us/pb", "/pb",
                "/pb", "bytes/pb", "bytes/pb", "");
        for (String name : options.contenders()) {
            Contender contender = Contender.named(name);
            line("%-12s %,12.0f %,12.0f %,10.0f %9.0f %9.0f %9.0f %9.2f %,9.0f %,9.0f %,9.0f %8.2f", name,
                    median(measured, contender, RoundResult::postbacksPerSecond),
                    median(measured, contender, RoundResult::postbacksPerSecondFromStart),
                    median(measured, contender, RoundResult::clicksPerSecond),
                    median(measured, contender, RoundResult::threadMicrosPerPostback),
                    median(measured, contender, RoundResult::processMicrosPerPostback),
                    median(measured, contender, RoundResult::brokerMicrosPerPostback),
                    median(measured, contender, RoundResult::offsetsPerPostback),
                    median(measured, contender, RoundResult::bytesPerPostback),
                    median(measured, contender, result -> result.written().applicationBytes(result.applicationId())
                            / (double) result.input().postbacks()),
                    median(measured, contender, result -> result.written().kafkaBytes()
                            / (double) result.input().postbacks()),
                    median(measured, contender, RoundResult::viewsLagSeconds));
        }
        line("  app-own: the round's changelog and repartition topics; kafka's: __consumer_offsets and "
                + "__transaction_state; the rest of 'bytes' is outputs.");
        line("");
        ratio(options, measured, Contender.FULL, Contender.PASS_THROUGH);
        ratio(options, measured, Contender.FULL, Contender.STATEFUL);
        ratio(options, measured, Contender.STATEFUL, Contender.PASS_THROUGH);
        ratio(options, measured, Contender.DECISIONS_ONLY, Contender.STATEFUL);
        ratio(options, measured, Contender.DECISIONS_ONLY, Contender.FULL);
        if (ran(options, Contender.FULL, Contender.DECISIONS_ONLY)) {
            // The full topology runs decisions and views on the same threads: what it spends over the
            // decisions alone is the views' share.
            double decisions = median(measured, Contender.DECISIONS_ONLY, RoundResult::threadMicrosPerPostback);
            double full = median(measured, Contender.FULL, RoundResult::threadMicrosPerPostback);
            line("views stream-thread CPU per postback (full - decisions, medians) %.0f us; views / decisions %.3f",
                    full - decisions, (full - decisions) / decisions);
        }
        if (ran(options, Contender.VIEWS_ONLY, Contender.DECISIONS_ONLY)) {
            // Measured apart, each application on its own threads, as the pipeline runs them.
            double ratio = medianRatio(measured, Contender.VIEWS_ONLY, Contender.DECISIONS_ONLY,
                    RoundResult::threadMicrosPerPostback);
            line("target: stream-thread CPU per postback views / decisions <= %.2f: %.3f, %s", VIEWS_TARGET_RATIO,
                    ratio, ratio <= VIEWS_TARGET_RATIO ? "MET" : "NOT MET");
        }
        if (ran(options, Contender.VIEWS_CLICKS, Contender.DECISIONS_CLICKS)) {
            line("on the clicks mix: stream-thread CPU views-clicks / decisions-clicks %.3f", medianRatio(measured,
                    Contender.VIEWS_CLICKS, Contender.DECISIONS_CLICKS, RoundResult::threadMicrosPerPostback));
        }
        if (ran(options, Contender.DECISIONS_ONLY, Contender.STATEFUL)) {
            double ratio = medianRatio(measured, Contender.DECISIONS_ONLY, Contender.STATEFUL,
                    RoundResult::postbacksPerSecond);
            line("target: postbacks/s decisions / stateful >= %.2f: %.3f, %s", TARGET_RATIO, ratio,
                    ratio >= TARGET_RATIO ? "MET" : "NOT MET");
        }
        line("");
    }

    /** Whether the run measured every one of {@code contenders}. */
    private static boolean ran(BenchOptions options, Contender... contenders) {
        return Arrays.stream(contenders).allMatch(contender -> options.contenders().contains(contender.name()));
    }

    /** The median of {@code metric} over {@code over}'s rounds, divided by the median over {@code under}'s. */
    private static double medianRatio(List<RoundResult> measured, Contender over, Contender under,
                                      ToDoubleFunction<RoundResult> metric) {
        return median(measured, over, metric) / median(measured, under, metric);
    }

    private void ratio(BenchOptions options, List<RoundResult> measured, Contender over, Contender under) {
        if (!ran(options, over, under)) {
            return;
        }
        line("%-26s postbacks/s %.3f (from start %.3f); stream-thread CPU per postback %.3f, process %.3f",
                over.name() + " / " + under.name(),
                medianRatio(measured, over, under, RoundResult::postbacksPerSecond),
                medianRatio(measured, over, under, RoundResult::postbacksPerSecondFromStart),
                medianRatio(measured, under, over, RoundResult::threadMicrosPerPostback),
                medianRatio(measured, under, over, RoundResult::processMicrosPerPostback));
    }

    /** Per topic, what the last measured round of each contender wrote per postback. */
    private void written(BenchOptions options, List<RoundResult> measured) {
        line("written per postback, per topic, in the last measured round of each contender "
                + "(<app> is that round's application id):");
        for (String name : options.contenders()) {
            RoundResult last = measured.stream().filter(result -> result.contender().name().equals(name))
                    .reduce((first, second) -> second).orElseThrow();
            line("  %s, round %d:", name, last.round());
            for (Map.Entry<String, Long> topic : last.written().bytes().entrySet()) {
                long offsets = last.written().offsets().getOrDefault(topic.getKey(), 0L);
                line("    %-60s %8.2f offsets %,10.1f bytes", topic.getKey().replace(last.applicationId(), "<app>"),
                        offsets / (double) last.input().postbacks(),
                        topic.getValue() / (double) last.input().postbacks());
            }
        }
    }

    private static double median(List<RoundResult> results, Contender contender, ToDoubleFunction<RoundResult> metric) {
        double[] values = results.stream().filter(result -> result.contender().equals(contender))
                .mapToDouble(metric).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
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
