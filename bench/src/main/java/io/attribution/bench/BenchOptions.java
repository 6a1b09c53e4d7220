package io.attribution.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topology benchmark's knobs. Each is read from an argument {@code name=value} (or {@code --name=value}),
 * else from the system property {@code bench.name}, else its default.
 *
 * @param contenders        the contenders to run, in this order within each round (names of {@link Contender})
 * @param warmupRounds      unmeasured rounds of each contender first: by default a short cold one, then one
 *                          sized from it, so that the first measured round is sized from a warm round
 * @param rounds            measured rounds of each contender, alternated
 * @param roundSeconds      each round after the first is sized to take at least this long from RUNNING: the
 *                          fastest rate its contender reached so far, times 1.5 (later rounds run faster)
 * @param warmupRecords     input records (clicks and postbacks) of each contender's first round
 * @param maxRecords        no round is sized above this many input records (the broker's disk)
 * @param postbacksPerClick the ordinary mix: this many postbacks per click, clicks loaded first
 * @param clicksPerPostback the clicks mix ({@code decisions-clicks}, {@code views-clicks}, {@code full-clicks}):
 *                          this many clicks per postback, interleaved
 * @param partitions        partitions of every topic, input and output
 * @param threads           {@code num.stream.threads} of every contender
 * @param roundTimeout      a round that has not caught up by then fails the run
 */
record BenchOptions(List<String> contenders, int warmupRounds, int rounds, int roundSeconds, int warmupRecords,
                    int maxRecords, int postbacksPerClick, int clicksPerPostback, int partitions, int threads,
                    Duration roundTimeout) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("contenders", "pass-through,stateful,decisions,views,decisions-clicks,views-clicks");
        defaults.put("warmupRounds", "2");
        defaults.put("rounds", "3");
        defaults.put("roundSeconds", "20");
        defaults.put("warmupRecords", "60000");
        defaults.put("maxRecords", "3000000");
        defaults.put("postbacksPerClick", "2");
        defaults.put("clicksPerPostback", "50");
        defaults.put("partitions", "3");
        defaults.put("threads", "1");
        defaults.put("roundTimeoutSeconds", "600");
        return defaults;
    }

    BenchOptions {
        if (contenders.isEmpty() || warmupRounds < 0 || rounds < 1 || roundSeconds < 1 || warmupRecords < 2
                || maxRecords < warmupRecords || postbacksPerClick < 1 || clicksPerPostback < 1 || partitions < 1
                || threads < 1) {
            throw new IllegalArgumentException("contenders must not be empty, warmupRounds not negative, maxRecords "
                    + "at least warmupRecords, and every other number positive");
        }
        contenders.forEach(Contender::named);
    }

    static BenchOptions parse(String... args) {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        return new BenchOptions(Arrays.stream(values.text("contenders").split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).toList(), values.number("warmupRounds"), values.number("rounds"),
                values.number("roundSeconds"), values.number("warmupRecords"), values.number("maxRecords"),
                values.number("postbacksPerClick"), values.number("clicksPerPostback"), values.number("partitions"),
                values.number("threads"), Duration.ofSeconds(values.number("roundTimeoutSeconds")));
    }
}
