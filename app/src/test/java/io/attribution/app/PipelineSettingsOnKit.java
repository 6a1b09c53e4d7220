package io.attribution.app;

import io.attribution.embedded.testkit.KafkaKit;

import java.nio.file.Path;

/** Settings for a pipeline on the kit's broker and registry, every port free, a fresh application id. */
final class PipelineSettingsOnKit {

    private PipelineSettingsOnKit() {
    }

    static PipelineSettings of(KafkaKit kit, Path stateDir, String applicationIdPrefix) {
        return PipelineSettings.defaultsOnly()
                .with(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS, kit.bootstrapServers())
                .with(PipelineSettings.REGISTRY_URL, kit.registryUrl())
                .with(PipelineSettings.INGEST_PORT, "0")
                .with(PipelineSettings.MANAGEMENT_PORT, "0")
                .with(PipelineSettings.QUERY_PORT, "0")
                .with(PipelineSettings.TOPOLOGY_STATE_DIR, stateDir.toString())
                .with(PipelineSettings.TOPOLOGY_APPLICATION_ID, kit.uniqueId(applicationIdPrefix));
    }
}
