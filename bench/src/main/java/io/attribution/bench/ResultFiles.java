package io.attribution.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the benchmarks write their reports: bench/target, whichever way they were started. */
final class ResultFiles {

    private ResultFiles() {
    }

    /** {@code name} in bench/target, whether this runs from bench/target/bench.jar or bench/target/classes. */
    static Path inTarget(String name) throws IOException, URISyntaxException {
        Path code = Path.of(ResultFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = code.getParent();
        Files.createDirectories(target);
        return target.resolve(name);
    }
}
