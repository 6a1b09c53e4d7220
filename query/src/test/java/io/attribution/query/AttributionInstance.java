package io.attribution.query;

import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * One instance of the real attribution topology with its query API, started the way the pipeline
 * starts one: query port first (so {@code application.server} names it), then Kafka Streams, then
 * the router handed to the server.
 */
final class AttributionInstance implements AutoCloseable {

    final QueryServer server;
    final KafkaStreams streams;
    final String name;
    private boolean closed;

    private AttributionInstance(QueryServer server, KafkaStreams streams, HostInfo host) {
        this.server = server;
        this.streams = streams;
        this.name = QueryProtocol.name(host);
    }

    /**
     * @param standbys standby replicas per task: what lets the survivors answer for a dead instance
     */
    static AttributionInstance start(String bootstrapServers, RecordSerdes serdes, String applicationId,
                                     Path stateDir, int standbys, AttributionSettings settings) throws Exception {
        QueryServer server = AttributionQueryApi.start("127.0.0.1", 0, Clock.systemUTC());
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.port());
            Properties props = StreamsSettings.of(applicationId, bootstrapServers, stateDir, Map.of(
                    StreamsConfig.APPLICATION_SERVER_CONFIG, QueryProtocol.name(host),
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(standbys),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                    // A killed instance stays in the group until its session expires: the broker's
                    // minimum keeps the test's window on both sides of the rebalance short.
                    StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000",
                    StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000"));
            KafkaStreams streams = new KafkaStreams(AttributionTopology.build(serdes, props, settings), props);
            server.attach(new QueryRouter(streams, host));
            streams.start();
            return new AttributionInstance(server, streams, host);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + name + pathAndQuery);
    }

    /**
     * Stops the instance the way the group sees a crash: it stays a member until its session
     * times out (no leave-group), its query port goes dark, and its state directory is kept.
     */
    void kill() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
        server.close();
        closed = true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            streams.close(Duration.ofSeconds(10));
            server.close();
        }
    }
}
