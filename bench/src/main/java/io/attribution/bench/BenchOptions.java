package io.attribution.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's knobs. Each is read from an argument {@code name=value} (or {@code --name=value}),
 * else from the system property {@code bench.name}, else its default.
 *
 * @param clicks        clicks pre-loaded on {@code clicks}
 * @param postbacks     postbacks pre-loaded on {@code postbacks.raw}, spread evenly over the clicks (at least
 *                      one each)
 * @param rounds        measured rounds of each topology, alternated (pass-through first)
 * @param warmupRounds  unmeasured rounds of each topology run first, to warm the JIT; each stops after a
 *                      fifth of its outputs. None by default: the median of the measured rounds already
 *                      leaves out the one cold round
 * @param partitions    partitions of every topic, input and output
 * @param threads       {@code num.stream.threads} of both topologies
 * @param roundTimeout  a round that has not committed all its outputs by then fails the run
 */
record BenchOptions(int clicks, int postbacks, int rounds, int warmupRounds, int partitions, int threads,
                    Duration roundTimeout) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("clicks", "50000");
        defaults.put("postbacks", "100000");
        defaults.put("rounds", "3");
        defaults.put("warmupRounds", "0");
        defaults.put("partitions", "3");
        defaults.put("threads", "1");
        defaults.put("roundTimeoutSeconds", "600");
        return defaults;
    }

    BenchOptions {
        if (clicks < 1 || postbacks < 1 || rounds < 1 || warmupRounds < 0 || partitions < 1 || threads < 1) {
            throw new IllegalArgumentException("clicks, postbacks, rounds, partitions and threads must be positive");
        }
        if (postbacks < clicks) {
            // Every click gets a postback: the full topology's outputs then account for every click too.
            throw new IllegalArgumentException("postbacks must be at least as many as clicks");
        }
    }

    static BenchOptions parse(String... args) {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        return new BenchOptions(values.number("clicks"), values.number("postbacks"), values.number("rounds"),
                values.number("warmupRounds"), values.number("partitions"), values.number("threads"),
                Duration.ofSeconds(values.number("roundTimeoutSeconds")));
    }
}
