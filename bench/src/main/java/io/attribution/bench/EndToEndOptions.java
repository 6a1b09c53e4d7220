package io.attribution.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end-to-end latency benchmark's knobs. Each is read from an argument {@code name=value} (or
 * {@code --name=value}), else from the system property {@code bench.name}, else its default.
 *
 * @param postbacks  measured postbacks, each for a click of its own
 * @param warmup     postbacks sent first and left out (they also wait for the topology to have read the clicks)
 * @param perSecond  the light load: postbacks sent per second, one at a time on one connection
 * @param partitions partitions of every topic
 */
record EndToEndOptions(int postbacks, int warmup, int perSecond, int partitions) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("postbacks", "1000");
        defaults.put("warmup", "200");
        defaults.put("perSecond", "20");
        defaults.put("partitions", "3");
        return defaults;
    }

    EndToEndOptions {
        if (postbacks < 1 || warmup < 0 || perSecond < 1 || partitions < 1) {
            throw new IllegalArgumentException("postbacks, perSecond and partitions must be positive, warmup not "
                    + "negative");
        }
    }

    static EndToEndOptions parse(String... args) {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        return new EndToEndOptions(values.number("postbacks"), values.number("warmup"), values.number("perSecond"),
                values.number("partitions"));
    }
}
