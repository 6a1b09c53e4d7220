package io.attribution.topology;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The views application's settings: its own id, state folder, threads and group instance id, the same guarantees. */
class ViewsStreamsSettingsTest {

    private static final String INSTANCE_ID = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

    @Test
    void theViewsHaveAnIdAStateFolderThreadsAndAGroupInstanceIdOfTheirOwnAndTheSameGuarantees() {
        Path stateDir = Path.of("/var/lib/attribution");
        Properties decisions = StreamsSettings.of("postback-attribution", "kafka:9092", stateDir, Map.of(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4",
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest",
                INSTANCE_ID, "topology-eu-1"));

        Properties views = StreamsSettings.views(decisions, 2);

        assertThat(views.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("postback-attribution-views");
        assertThat(views.getProperty(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(stateDir.resolve("views").toString());
        assertThat(views.getProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo("2");
        assertThat(views.getProperty(INSTANCE_ID)).isEqualTo("topology-eu-1-views");
        // A first start rebuilds the views from the whole output topics, whatever the decisions' reset is.
        assertThat(views.getProperty(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)))
                .isEqualTo("earliest");
        assertThat(views.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(views.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isEqualTo(true);
        // The views never wait for an empty partition; the decisions keep Kafka Streams' default
        // (wait for a partition that has records on the broker), which reads a click before its postbacks.
        assertThat(views.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(decisions.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isNull();
        // The decisions' own settings are left as they were.
        assertThat(decisions.getProperty(INSTANCE_ID)).isEqualTo("topology-eu-1");
        assertThat(decisions.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("postback-attribution");
    }

    @Test
    void withoutStaticMembershipTheViewsHaveNoneEither() {
        Properties views = StreamsSettings.views(StreamsSettings.of("app", "kafka:9092", Path.of("state"), Map.of()), 1);
        assertThat(views.getProperty(INSTANCE_ID)).isNull();
    }

    @Test
    void theViewsNeedAThread() {
        Properties decisions = StreamsSettings.of("app", "kafka:9092", Path.of("state"), Map.of());
        assertThatThrownBy(() -> StreamsSettings.views(decisions, 0)).hasMessageContaining("at least one stream thread");
    }

    @Test
    void theRoleIsDecisionsViewsOrAll() {
        assertThat(TopologyRole.parse("topology.role", " Views ")).isEqualTo(TopologyRole.VIEWS);
        assertThat(TopologyRole.ALL.runsDecisions() && TopologyRole.ALL.runsViews()).isTrue();
        assertThat(TopologyRole.DECISIONS.runsViews()).isFalse();
        assertThat(TopologyRole.VIEWS.runsDecisions()).isFalse();
        assertThatThrownBy(() -> TopologyRole.parse("topology.role", "both"))
                .hasMessage("topology.role must be decisions, views or all, was 'both'");
    }
}
