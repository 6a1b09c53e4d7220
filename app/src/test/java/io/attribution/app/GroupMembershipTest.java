package io.attribution.app;

import io.attribution.topology.StreamsSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.attribution.app.PipelineSettings.TOPOLOGY_GROUP_INSTANCE_ID;
import static io.attribution.app.PipelineSettings.TOPOLOGY_SESSION_TIMEOUT_MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Static membership by default, with an id that belongs to the state directory. */
class GroupMembershipTest {

    private static final String INSTANCE_ID = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    private static final String SESSION = StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    private static final String HEARTBEAT = StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    @Test
    void byDefaultAnIdIsMadeOnceAndKeptInTheStateDirectory(@TempDir Path stateDir) throws IOException {
        Map<String, String> first = GroupMembership.overrides(PipelineSettings.defaultsOnly(), stateDir);
        Map<String, String> again = GroupMembership.overrides(PipelineSettings.defaultsOnly(), stateDir);

        assertThat(first.get(INSTANCE_ID)).startsWith("topology-").isEqualTo(again.get(INSTANCE_ID));
        assertThat(Files.readString(stateDir.resolve(GroupMembership.ID_FILE))).isEqualTo(first.get(INSTANCE_ID));
        assertThat(first).containsEntry(SESSION, "15000").containsEntry(HEARTBEAT, "5000");
    }

    @Test
    void anotherStateDirectoryIsAnotherMember(@TempDir Path one, @TempDir Path other) {
        assertThat(GroupMembership.overrides(PipelineSettings.defaultsOnly(), one).get(INSTANCE_ID))
                .isNotEqualTo(GroupMembership.overrides(PipelineSettings.defaultsOnly(), other).get(INSTANCE_ID));
    }

    @Test
    void aConfiguredIdWinsAndNoneMeansDynamicMembership(@TempDir Path stateDir) {
        assertThat(GroupMembership.overrides(PipelineSettings.defaultsOnly()
                .with(TOPOLOGY_GROUP_INSTANCE_ID, "topology-eu-1"), stateDir)).containsEntry(INSTANCE_ID, "topology-eu-1");
        assertThat(GroupMembership.overrides(PipelineSettings.defaultsOnly()
                .with(TOPOLOGY_GROUP_INSTANCE_ID, "none"), stateDir)).doesNotContainKey(INSTANCE_ID);
        assertThat(stateDir.resolve(GroupMembership.ID_FILE)).doesNotExist();
    }

    @Test
    void badValuesNameTheSetting(@TempDir Path stateDir) {
        assertThatThrownBy(() -> GroupMembership.overrides(PipelineSettings.defaultsOnly()
                .with(TOPOLOGY_GROUP_INSTANCE_ID, "two words"), stateDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TOPOLOGY_GROUP_INSTANCE_ID);
        assertThatThrownBy(() -> GroupMembership.overrides(PipelineSettings.defaultsOnly()
                .with(TOPOLOGY_SESSION_TIMEOUT_MS, "1000"), stateDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TOPOLOGY_SESSION_TIMEOUT_MS);
    }

    @Test
    void kafkaStreamsGivesEachStreamThreadItsOwnMemberId(@TempDir Path stateDir) {
        StreamsConfig config = new StreamsConfig(StreamsSettings.of("app", "localhost:9092", stateDir,
                GroupMembership.overrides(PipelineSettings.defaultsOnly().with(TOPOLOGY_GROUP_INSTANCE_ID, "t-1"),
                        stateDir)));

        assertThat(config.getMainConsumerConfigs("app", "client", 0)).containsEntry(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "t-1-0").containsEntry(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "15000");
        assertThat(config.getMainConsumerConfigs("app", "client", 1)).containsEntry(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "t-1-1");
    }
}
