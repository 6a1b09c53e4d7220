package io.attribution.query;

import io.attribution.query.access.CampaignOwners;
import io.attribution.query.access.QueryAccess;
import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import io.attribution.topology.StreamsSettings;
import io.attribution.topology.TopologyRole;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One instance of the real attribution topology with its query API, as the pipeline starts one
 * with {@code topology.role=all}: the decisions and the views in two Kafka Streams applications,
 * each store routed with the metadata of the application holding it.
 */
final class AttributionInstance {

    private AttributionInstance() {
    }

    /**
     * @param standbys standby replicas per task: what lets the survivors answer for a dead instance
     */
    static StreamsInstance start(String bootstrapServers, RecordSerdes serdes, String applicationId,
                                 Path stateDir, int standbys, AttributionSettings settings) throws Exception {
        return start(bootstrapServers, serdes, applicationId, stateDir, standbys, settings, QueryAccess.open(),
                CampaignOwners.NOT_READ);
    }

    /**
     * @param access who may ask the instance's query API what
     * @param owners whose each campaign is, what scoped tokens are checked against
     */
    static StreamsInstance start(String bootstrapServers, RecordSerdes serdes, String applicationId, Path stateDir,
                                 int standbys, AttributionSettings settings, QueryAccess access, CampaignOwners owners)
            throws Exception {
        return StreamsInstance.startAll(AttributionQueryApi.start("127.0.0.1", 0, Clock.systemUTC(), access), applicationServer -> {
            Properties props = StreamsSettings.of(applicationId, bootstrapServers, stateDir, Map.of(
                    StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer,
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(standbys),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                    // A killed instance stays in the group until its session expires: the broker's
                    // minimum keeps the test's window on both sides of the rebalance short.
                    StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000",
                    StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000"));
            Properties views = StreamsSettings.views(props, 1);
            return List.of(
                    new KafkaStreams(AttributionTopology.decisions(serdes, props, settings, new DeadLetterProducer(props)),
                            props),
                    new KafkaStreams(AttributionTopology.views(serdes, views, settings), views));
        }, applications -> AttributionQueryApi.applications(TopologyRole.ALL, Optional.of(applications.get(0)),
                Optional.of(applications.get(1))), owners);
    }
}
