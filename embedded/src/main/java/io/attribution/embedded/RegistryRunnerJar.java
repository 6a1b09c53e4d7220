package io.attribution.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds the Apicurio Registry runner jars that the build unpacks into this module's target directory: the in-memory
 * registry's (2.x) and the KafkaSQL registry's (3.x, a Quarkus fast-jar run as {@code quarkus-run.jar}).
 */
final class RegistryRunnerJar {

    static final String SYSTEM_PROPERTY = "apicurio.registry.runner.jar";
    static final String ENVIRONMENT_VARIABLE = "APICURIO_REGISTRY_RUNNER_JAR";
    static final String KAFKASQL_SYSTEM_PROPERTY = "apicurio.registry.kafkasql.runner.jar";
    static final String KAFKASQL_ENVIRONMENT_VARIABLE = "APICURIO_REGISTRY_KAFKASQL_RUNNER_JAR";
    private static final String BUILD_PROPERTIES = "embedded-registry.properties";

    private RegistryRunnerJar() {
    }

    /** The in-memory registry's runner jar. */
    static Path inMemory() {
        return locate(SYSTEM_PROPERTY, ENVIRONMENT_VARIABLE, "runner.jar", "apicurio-registry-app-2.*-runner.jar");
    }

    /** The KafkaSQL registry's runner jar. */
    static Path kafkaSql() {
        return locate(KAFKASQL_SYSTEM_PROPERTY, KAFKASQL_ENVIRONMENT_VARIABLE, "persistent.runner.jar",
                "quarkus-run.jar of an unpacked apicurio-registry-app-3.*-all.tar.gz");
    }

    private static Path locate(String systemProperty, String environmentVariable, String buildKey, String what) {
        String configured = Stream.of(System.getProperty(systemProperty), System.getenv(environmentVariable),
                        fromBuild(buildKey))
                .filter(value -> value != null && !value.isBlank())
                .findFirst()
                .orElse(null);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new IllegalStateException("Apicurio Registry runner jar not found"
                    + (configured == null ? "" : " at " + configured)
                    + ". Run `mvn -pl embedded package` to unpack it into embedded/target,"
                    + " or point " + environmentVariable + " (or -D" + systemProperty + ") at the " + what + ".");
        }
        return Path.of(configured).toAbsolutePath();
    }

    private static String fromBuild(String key) {
        try (InputStream in = RegistryRunnerJar.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + BUILD_PROPERTIES, e);
        }
    }
}
