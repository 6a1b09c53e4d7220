package io.attribution.query.routing;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OwnershipTest {

    private static final HostInfo A = new HostInfo("10.0.0.1", 8090);
    private static final HostInfo B = new HostInfo("10.0.0.2", 8090);

    @Test
    void readsActiveAndStandbyHostsOfOneTopic() {
        List<StreamsMetadata> clients = List.of(
                client(A, Set.of(tp("words", 0), tp("other", 7)), Set.of(tp("words", 1))),
                client(B, Set.of(tp("words", 1)), Set.of(tp("words", 0))));

        Ownership owners = Ownership.of(clients, "words", 0);

        assertThat(owners.partitionCount()).isEqualTo(2);
        assertThat(owners.active(0)).contains(A);
        assertThat(owners.active(1)).contains(B);
        assertThat(owners.standbys(0)).containsExactly(B);
        assertThat(owners.standbys(1)).containsExactly(A);
    }

    @Test
    void anOwnerlessPartitionStaysATargetWhenTheCountIsKnown() {
        // Mid-rebalance snapshot: partition 2's owner is gone; the fan-out must still count it.
        List<StreamsMetadata> clients = List.of(client(A, Set.of(tp("words", 0)), Set.of()));

        Ownership owners = Ownership.of(clients, "words", 3);

        assertThat(owners.partitionCount()).isEqualTo(3);
        assertThat(owners.active(2)).isEmpty();
        assertThat(owners.standbys(2)).isEmpty();
    }

    @Test
    void noAssignmentMeansNoKnownPartitions() {
        assertThat(Ownership.of(List.of(), "words", 0).partitionCount()).isZero();
    }

    private static StreamsMetadata client(HostInfo host, Set<TopicPartition> active, Set<TopicPartition> standby) {
        return new StreamsMetadataImpl(host, Set.of("counts"), active, Set.of("counts"), standby);
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
