package io.attribution.app;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the registry {@code run} starts when no {@code REGISTRY_URL} is given keeps its schemas
 * ({@code embedded.registry.storage}).
 */
enum EmbeddedRegistryStorage {

    /** Apicurio 2.6 in memory: the quickest start; a restart forgets every schema, and the ids in records with them. */
    MEMORY,
    /**
     * Apicurio 3 with KafkaSQL storage, in a topic of the pipeline's cluster (as docker-compose.yml runs it):
     * schemas and their ids outlive a restart as long as the cluster keeps its topics. Needs Java 21 or later.
     */
    KAFKASQL;

    static EmbeddedRegistryStorage of(PipelineSettings settings) {
        String value = settings.string(PipelineSettings.EMBEDDED_REGISTRY_STORAGE);
        return Arrays.stream(values()).filter(storage -> storage.settingValue().equals(value.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(PipelineSettings.EMBEDDED_REGISTRY_STORAGE + " ("
                        + PipelineSettings.environmentName(PipelineSettings.EMBEDDED_REGISTRY_STORAGE) + ") must be "
                        + Arrays.stream(values()).map(EmbeddedRegistryStorage::settingValue)
                                .collect(Collectors.joining(" or ")) + ", was '" + value + "'"));
    }

    String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
