package io.attribution.query;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Properties;

/** One instance of the toy word-count application with its query API. */
final class QueryInstance {

    private QueryInstance() {
    }

    static StreamsInstance start(String bootstrapServers, String applicationId, Path stateDir) throws Exception {
        QueryServer server = QueryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .endpoint("/counts", WordCounts.total())
                .endpoint("/counts/*", WordCounts.byWord())
                .start();
        return StreamsInstance.start(server, applicationServer -> {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
            props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
            // A killed instance stays in the group until its session expires: keep that window short
            // (the broker's minimum) so the test sees both sides of the rebalance in seconds.
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
            return new KafkaStreams(WordCounts.topology(props), props);
        });
    }
}
