package io.attribution.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The postback throughput benchmark's knobs. Each is read from an argument {@code name=value} (or
 * {@code --name=value}), else from the system property {@code bench.name}, else its default.
 *
 * @param conversions conversions of each measured run (the warm-up run sends a quarter of them, at least 1,000)
 * @param runs        measured runs, after the warm-up run
 * @param inflight    the connector's {@code http.max.in.flight.per.affiliate}
 * @param pluginPath  the Connect {@code plugin.path} holding the connector's plugin directory,
 *                    {@code affiliate-postbacks/}, as the affiliate-postbacks build lays it out
 */
record PostbackBenchOptions(int conversions, int runs, int inflight, Path pluginPath) {

    /** Where the affiliate-postbacks build lays out its plugin, from the repository root. */
    static final String BUILT_PLUGIN_PATH = "connectors/affiliate-postbacks/target/plugin";
    static final String PLUGIN = "affiliate-postbacks";
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("conversions", "20000");
        defaults.put("runs", "3");
        defaults.put("inflight", "8");
        defaults.put("pluginPath", BUILT_PLUGIN_PATH);
        return defaults;
    }

    PostbackBenchOptions {
        if (conversions < 2 || runs < 1 || inflight < 1) {
            throw new IllegalArgumentException("conversions must be at least 2 (the rate runs from the first to the "
                    + "last), runs and inflight positive");
        }
    }

    static PostbackBenchOptions parse(String... args) {
        BenchArguments values = BenchArguments.read(DEFAULTS, args);
        // A relative path (the default) is from the working directory: the repository root.
        Path pluginPath = Path.of(values.text("pluginPath")).toAbsolutePath().normalize();
        if (!Files.isDirectory(pluginPath.resolve(PLUGIN))) {
            throw new IllegalArgumentException("No Connect plugin directory " + pluginPath.resolve(PLUGIN)
                    + ": build it first (mvn -B -q package -DskipTests from the repository root) and run from the "
                    + "repository root, or name the plugin.path that holds " + PLUGIN + "/ with pluginPath=...");
        }
        return new PostbackBenchOptions(values.number("conversions"), values.number("runs"), values.number("inflight"),
                pluginPath);
    }
}
