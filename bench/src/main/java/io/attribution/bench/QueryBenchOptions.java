package io.attribution.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query latency benchmark's knobs. Each is read from an argument {@code name=value} (or
 * {@code --name=value}), else from the system property {@code bench.name}, else its default.
 *
 * @param clicks         clicks loaded on {@code clicks}: what the keyed lookups pick from
 * @param postbacks      postbacks loaded on {@code postbacks.raw}, spread evenly over the clicks and over one
 *                       UTC day, so the stats of that day exist
 * @param campaigns      campaigns (copies of the demo campaign: two goals, no caps); click i belongs to campaign
 *                       i mod campaigns
 * @param affiliates     affiliates the clicks are spread over
 * @param partitions     partitions of every topic
 * @param threads        {@code num.stream.threads} of each of the two instances
 * @param rounds         measured rounds; each sends {@code requests} of every kind, interleaved
 * @param requests       requests of each kind per round
 * @param warmup         unmeasured requests of each kind before the first round
 * @param seed           seed of the random choice of clicks, campaigns and instances
 * @param loadTimeout    the instances must have processed all input by then, or the run fails
 */
record QueryBenchOptions(int clicks, int postbacks, int campaigns, int affiliates, int partitions, int threads,
                         int rounds, int requests, int warmup, long seed, Duration loadTimeout) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("clicks", "1000000");
        defaults.put("postbacks", "50000");
        defaults.put("campaigns", "4");
        defaults.put("affiliates", "50");
        defaults.put("partitions", "6");
        defaults.put("threads", "1");
        defaults.put("rounds", "5");
        defaults.put("requests", "1000");
        defaults.put("warmup", "1000");
        defaults.put("seed", "42");
        defaults.put("loadTimeoutMinutes", "60");
        return defaults;
    }

    QueryBenchOptions {
        if (clicks < 1 || postbacks < 1 || campaigns < 1 || affiliates < 1 || partitions < 2 || threads < 1
                || rounds < 1 || requests < 1 || warmup < 0) {
            throw new IllegalArgumentException("clicks, postbacks, campaigns, affiliates, threads, rounds and requests "
                    + "must be positive, partitions at least 2 (one per instance), warmup not negative");
        }
    }

    static QueryBenchOptions parse(String... args) {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        return new QueryBenchOptions(values.number("clicks"), values.number("postbacks"),
                values.number("campaigns"), values.number("affiliates"), values.number("partitions"),
                values.number("threads"), values.number("rounds"), values.number("requests"),
                values.number("warmup"), values.number("seed"),
                Duration.ofMinutes(values.number("loadTimeoutMinutes")));
    }
}
