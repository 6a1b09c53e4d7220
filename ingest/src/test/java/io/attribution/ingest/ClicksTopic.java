package io.attribution.ingest;

import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;

/** {@code clicks} as the tests see it: one partition, each click found by its click_id. */
final class ClicksTopic {

    private ClicksTopic() {
    }

    /** Creates the topic (one partition) on the kit's broker and returns a reader for it. */
    static TopicRecords<Click> create(KafkaKit kit) {
        return new TopicRecords<>(kit, Topics.CLICKS, Click::getClickId);
    }
}
