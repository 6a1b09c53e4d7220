package io.attribution.query;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * One instance of the toy application, started the way a real one must be: query port first, so
 * {@code application.server} names it, then Kafka Streams, then the router handed to the server.
 */
final class QueryInstance implements AutoCloseable {

    final QueryServer server;
    final KafkaStreams streams;
    final HostInfo host;
    final String name;
    private boolean closed;

    private QueryInstance(QueryServer server, KafkaStreams streams, HostInfo host) {
        this.server = server;
        this.streams = streams;
        this.host = host;
        this.name = QueryProtocol.name(host);
    }

    static QueryInstance start(String bootstrapServers, String applicationId, Path stateDir) throws Exception {
        QueryServer server = QueryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .endpoint("/counts", WordCounts.total())
                .endpoint("/counts/*", WordCounts.byWord())
                .start();
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.port());
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, QueryProtocol.name(host));
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
            KafkaStreams streams = new KafkaStreams(WordCounts.topology(props), props);
            server.attach(new QueryRouter(streams, host));
            streams.start();
            return new QueryInstance(server, streams, host);
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
