package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code postbacks.raw} as the tests see it: created with one partition, read back with a
 * read_committed consumer through the real schema registry, each postback found by its request_id.
 */
final class RawPostbackTopic {

    private final TopicRecords<RawPostback> records;

    private RawPostbackTopic(KafkaKit kit) {
        this.records = new TopicRecords<>(kit, Topics.POSTBACKS_RAW, RawPostback::getRequestId);
    }

    /** Creates the topic (one partition) on the kit's broker and returns a reader for it. */
    static RawPostbackTopic create(KafkaKit kit) {
        return new RawPostbackTopic(kit);
    }

    /** The offset the next record will get: records written from now on are at or after it. */
    long endOffset() {
        return records.endOffset();
    }

    /** Waits for the record with this request id and returns it. */
    ConsumerRecord<String, RawPostback> awaitRecord(String requestId) {
        return awaitRecords(Set.of(requestId)).get(requestId);
    }

    /** Waits until every request id is on the topic; returns their records by request id. */
    Map<String, ConsumerRecord<String, RawPostback>> awaitRecords(Collection<String> requestIds) {
        return records.awaitRecords(requestIds);
    }

    /**
     * Every record from {@code offset} up to and including the one with {@code lastRequestId}:
     * what was written in between, in order.
     */
    List<ConsumerRecord<String, RawPostback>> recordsFrom(long offset, String lastRequestId) {
        return records.recordsFrom(offset, lastRequestId);
    }
}
