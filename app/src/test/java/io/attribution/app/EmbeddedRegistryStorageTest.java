package io.attribution.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRegistryStorageTest {

    @Test
    void inMemoryUnlessKafkaSqlIsAskedFor() {
        PipelineSettings defaults = PipelineSettings.defaultsOnly();

        assertThat(EmbeddedRegistryStorage.of(defaults)).isEqualTo(EmbeddedRegistryStorage.MEMORY);
        assertThat(EmbeddedRegistryStorage.of(defaults.with(PipelineSettings.EMBEDDED_REGISTRY_STORAGE, "kafkasql")))
                .isEqualTo(EmbeddedRegistryStorage.KAFKASQL);
        assertThat(EmbeddedRegistryStorage.of(defaults.with(PipelineSettings.EMBEDDED_REGISTRY_STORAGE, "KafkaSQL")))
                .isEqualTo(EmbeddedRegistryStorage.KAFKASQL);
    }

    @Test
    void anUnknownStorageIsRefusedNamingTheSettingAndItsValues() {
        PipelineSettings postgres = PipelineSettings.defaultsOnly()
                .with(PipelineSettings.EMBEDDED_REGISTRY_STORAGE, "postgres");

        assertThatThrownBy(() -> EmbeddedRegistryStorage.of(postgres))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embedded.registry.storage (EMBEDDED_REGISTRY_STORAGE) must be memory or kafkasql,"
                        + " was 'postgres'");
    }
}
