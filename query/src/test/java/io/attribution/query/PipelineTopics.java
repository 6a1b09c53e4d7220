package io.attribution.query;

import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;

import java.util.ArrayList;
import java.util.List;

/** Every topic the attribution topology reads and writes, created on the kit's broker. */
final class PipelineTopics {

    private PipelineTopics() {
    }

    /**
     * @param compactedPartitions for the compacted topics (campaigns), which are read as global tables
     */
    static void create(KafkaKit kit, int partitions, int compactedPartitions) {
        List<String> plain = new ArrayList<>(List.of(Topics.DEAD_LETTERS));
        List<String> compacted = new ArrayList<>();
        for (Topic<?> topic : Topics.all()) {
            (topic.compacted() ? compacted : plain).add(topic.name());
        }
        kit.createTopics(partitions, plain.toArray(String[]::new));
        kit.createCompactedTopics(compactedPartitions, compacted.toArray(String[]::new));
    }
}
