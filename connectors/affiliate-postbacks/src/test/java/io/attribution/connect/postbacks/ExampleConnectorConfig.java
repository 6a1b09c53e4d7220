package io.attribution.connect.postbacks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The example connector configuration, {@code src/main/connect/affiliate-postbacks.json}: its name and config as one
 * map. Read from the test classpath (the pom copies it there), so that bench's PostbackThroughputBenchmark reads the
 * same file from this module's test-jar.
 */
public final class ExampleConnectorConfig {

    private static final String RESOURCE = "/connect/affiliate-postbacks.json";

    private ExampleConnectorConfig() {
    }

    public static Map<String, String> read() {
        try (InputStream in = ExampleConnectorConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            ObjectMapper json = new ObjectMapper();
            JsonNode example = json.readTree(in);
            Set<String> fields = new HashSet<>();
            example.fieldNames().forEachRemaining(fields::add);
            if (!fields.equals(Set.of("name", "config"))) {
                throw new IllegalStateException(RESOURCE + " must hold exactly a name and a config, holds " + fields);
            }
            Map<String, String> config = json.convertValue(example.get("config"), new TypeReference<>() { });
            config.put("name", example.get("name").asText());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
