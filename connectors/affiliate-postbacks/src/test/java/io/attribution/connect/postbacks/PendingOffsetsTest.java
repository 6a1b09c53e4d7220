package io.attribution.connect.postbacks;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PendingOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("conversions.attributed", 0);
    private static final TopicPartition P1 = new TopicPartition("conversions.attributed", 1);

    @Test
    void aPartitionIsCommittedUpToItsFirstPendingRecord() {
        PendingOffsets pending = new PendingOffsets();
        PendingOffsets.Partition p0 = pending.partition(P0);
        p0.add(10);
        p0.add(11);
        p0.add(14);
        Map<TopicPartition, OffsetAndMetadata> current = Map.of(P0, new OffsetAndMetadata(20), P1, new OffsetAndMetadata(7));

        assertThat(pending.committable(current)).isEqualTo(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(7)));
        p0.remove(11);
        assertThat(pending.committable(current).get(P0).offset()).isEqualTo(10);
        p0.remove(10);
        assertThat(pending.committable(current).get(P0).offset()).isEqualTo(14);
        p0.remove(14);
        assertThat(pending.committable(current).get(P0).offset()).isEqualTo(20);
    }

    @Test
    void closedPartitionsAreForgottenAndTheirPostbacksAbandoned() {
        PendingOffsets pending = new PendingOffsets();
        PendingOffsets.Partition p0 = pending.partition(P0);
        p0.add(3);

        pending.close(List.of(P0));

        assertThat(p0.isClosed()).isTrue();
        assertThat(pending.committable(Map.of(P0, new OffsetAndMetadata(9)))).containsEntry(P0, new OffsetAndMetadata(9));
        assertThat(pending.partition(P0)).isNotSameAs(p0);
    }
}
