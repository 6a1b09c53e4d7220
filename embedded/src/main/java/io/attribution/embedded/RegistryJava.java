package io.attribution.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The {@code java} a registry child process runs on. The in-memory registry (2.x) runs on this JVM's own Java; the
 * KafkaSQL one (3.x) is built for Java 21, while the product runs on 17: it runs on the configured Java home, else
 * this JVM's when it is new enough, else the newest new-enough JDK installed beside this JVM's (e.g. under
 * {@code /usr/lib/jvm}).
 */
final class RegistryJava {

    static final String SYSTEM_PROPERTY = "apicurio.registry.java.home";
    static final String ENVIRONMENT_VARIABLE = "APICURIO_REGISTRY_JAVA_HOME";

    private RegistryJava() {
    }

    /** This JVM's own {@code java}. */
    static Path current() {
        return executable(Path.of(System.getProperty("java.home")));
    }

    /** A {@code java} of this feature version or later; fails with what to set when there is none. */
    static Path atLeast(int feature) {
        String configured = Stream.of(System.getProperty(SYSTEM_PROPERTY), System.getenv(ENVIRONMENT_VARIABLE))
                .filter(value -> value != null && !value.isBlank())
                .findFirst()
                .orElse(null);
        if (configured != null) {
            Path home = Path.of(configured);
            if (!Files.isExecutable(executable(home))) {
                throw new IllegalStateException(ENVIRONMENT_VARIABLE + " (-D" + SYSTEM_PROPERTY + ") is " + configured
                        + ", which has no bin/java");
            }
            return executable(home);
        }
        if (Runtime.version().feature() >= feature) {
            return current();
        }
        Path thisHome = Path.of(System.getProperty("java.home")).toAbsolutePath();
        return installedBeside(thisHome, feature)
                .map(RegistryJava::executable)
                .orElseThrow(() -> new IllegalStateException("The registry that keeps its schemas in Kafka"
                        + " (Apicurio Registry 3) needs Java " + feature + " or later; this JVM is Java "
                        + Runtime.version().feature() + " and no JDK " + feature + "+ was found beside " + thisHome
                        + ". Point " + ENVIRONMENT_VARIABLE + " (or -D" + SYSTEM_PROPERTY + ") at one."));
    }

    /** The newest JDK of at least this feature version among the siblings of this JVM's home. */
    private static Optional<Path> installedBeside(Path thisHome, int feature) {
        Path parent = thisHome.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(parent)) {
            List<Path> candidates = homes.filter(home -> Files.isExecutable(executable(home))).toList();
            return candidates.stream()
                    .filter(home -> featureOf(home).orElse(0) >= feature)
                    .max(Comparator.comparingInt(home -> featureOf(home).orElse(0)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the JDKs in " + parent, e);
        }
    }

    /** The feature version a JDK's {@code release} file gives, e.g. 25 for {@code JAVA_VERSION="25.0.3"}. */
    static Optional<Integer> featureOf(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(release)) {
            properties.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String version = properties.getProperty("JAVA_VERSION", "").replace("\"", "");
        String feature = version.split("[.+-]", 2)[0];
        try {
            return Optional.of(Integer.parseInt(feature));
        } catch (NumberFormatException notAVersion) {
            return Optional.empty();
        }
    }

    private static Path executable(Path home) {
        return home.resolve("bin").resolve("java");
    }
}
