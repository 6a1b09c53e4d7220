package io.attribution.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ingest throughput benchmark's knobs. Each is read from an argument {@code name=value} (or
 * {@code --name=value}), else from the system property {@code bench.name}, else its default.
 *
 * @param connections         keep-alive connections of the load, one thread each
 * @param round               length of each measured round
 * @param warmup              length of the warm-up round on each server
 * @param rounds              measured rounds of each server, alternated: trivial, durable, ingest, trivial, ...
 * @param out                 the file the report is appended to
 */
record IngestBenchOptions(int connections, Duration round, Duration warmup, int rounds, Path out) {

    static final String RESULT_FILE = "ingest-throughput.txt";
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("connections", "64");
        defaults.put("seconds", "20");
        defaults.put("warmupSeconds", "60");
        defaults.put("rounds", "3");
        // Empty: bench/target/ingest-throughput.txt.
        defaults.put("out", "");
        return defaults;
    }

    IngestBenchOptions {
        if (connections < 1 || round.isNegative() || round.isZero() || warmup.isNegative() || rounds < 1) {
            throw new IllegalArgumentException("connections, seconds and rounds must be positive, warmupSeconds not "
                    + "negative");
        }
    }

    static IngestBenchOptions parse(String... args) throws IOException, URISyntaxException {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        String out = values.text("out");
        return new IngestBenchOptions(values.number("connections"), Duration.ofSeconds(values.number("seconds")),
                Duration.ofSeconds(values.number("warmupSeconds")), values.number("rounds"),
                out.isEmpty() ? ResultFiles.inTarget(RESULT_FILE) : Path.of(out));
    }
}
