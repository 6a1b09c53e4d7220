package io.attribution.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/** Finds the Apicurio Registry runner jar that the build unpacks into this module's target directory. */
final class RegistryRunnerJar {

    static final String SYSTEM_PROPERTY = "apicurio.registry.runner.jar";
    static final String ENVIRONMENT_VARIABLE = "APICURIO_REGISTRY_RUNNER_JAR";
    private static final String BUILD_PROPERTIES = "embedded-registry.properties";

    private RegistryRunnerJar() {
    }

    static Path locate() {
        String configured = Stream.of(System.getProperty(SYSTEM_PROPERTY), System.getenv(ENVIRONMENT_VARIABLE),
                        fromBuild())
                .filter(value -> value != null && !value.isBlank())
                .findFirst()
                .orElse(null);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new IllegalStateException("Apicurio Registry runner jar not found"
                    + (configured == null ? "" : " at " + configured)
                    + ". Run `mvn -pl embedded package` to unpack it into embedded/target/apicurio-registry,"
                    + " or point " + ENVIRONMENT_VARIABLE + " (or -D" + SYSTEM_PROPERTY
                    + ") at an unpacked apicurio-registry-app-*-runner.jar.");
        }
        return Path.of(configured).toAbsolutePath();
    }

    private static String fromBuild() {
        try (InputStream in = RegistryRunnerJar.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("runner.jar");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + BUILD_PROPERTIES, e);
        }
    }
}
