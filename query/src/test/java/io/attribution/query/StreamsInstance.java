package io.attribution.query;

import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.routing.QueryRouter;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * One Kafka Streams instance with its query API, started the way a real one must be: query port
 * first, so {@code application.server} can name it, then Kafka Streams, then the router handed to
 * the server.
 */
final class StreamsInstance implements AutoCloseable {

    final QueryServer server;
    final KafkaStreams streams;
    final HostInfo host;
    final String name;
    private boolean closed;

    private StreamsInstance(QueryServer server, KafkaStreams streams, HostInfo host) {
        this.server = server;
        this.streams = streams;
        this.host = host;
        this.name = QueryProtocol.name(host);
    }

    /**
     * @param server  the query server, bound
     * @param streams builds Kafka Streams for this instance's {@code application.server} ({@code host:port})
     */
    static StreamsInstance start(QueryServer server, Function<String, KafkaStreams> streams) {
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.port());
            KafkaStreams instance = streams.apply(QueryProtocol.name(host));
            server.attach(new QueryRouter(instance, host));
            instance.start();
            return new StreamsInstance(server, instance, host);
        } catch (RuntimeException | Error e) {
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
