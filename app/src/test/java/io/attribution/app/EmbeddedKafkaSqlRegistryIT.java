package io.attribution.app;

import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} on a cluster with no {@code REGISTRY_URL} and {@code EMBEDDED_REGISTRY_STORAGE=kafkasql}: the registry
 * it starts keeps its schemas in that cluster, so the records one run wrote still decode in the next, whose
 * registry is a new process that read them back.
 */
class EmbeddedKafkaSqlRegistryIT {

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @Test
    void recordsOneRunWroteDecodeInTheNextThroughItsOwnRegistry() throws Exception {
        PipelineSettings settings = PipelineSettings.defaultsOnly()
                .with(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS, kit.bootstrapServers())
                .with(PipelineSettings.EMBEDDED_REGISTRY_STORAGE, "kafkasql")
                .with(PipelineSettings.MANAGEMENT_PORT, "0");
        List<Click> clicks = DemoData.clicks();
        try (Pipeline first = Pipeline.start(settings, EnumSet.noneOf(Pipeline.Part.class), true);
             ClickWriter writer = new ClickWriter(kit.bootstrapServers(), first.serdes())) {
            for (Click click : clicks) {
                writer.write(click);
            }
        }

        try (Pipeline second = Pipeline.start(settings, EnumSet.noneOf(Pipeline.Part.class), true)) {
            List<Click> read = kit.readAll(Topics.CLICKS.name(), new StringDeserializer(),
                    second.serdes().valueSerde(Click.class).deserializer()).stream().map(ConsumerRecord::value).toList();
            assertThat(read).containsExactlyInAnyOrderElementsOf(clicks);
        }
    }
}
