package io.attribution.query;

import io.attribution.query.access.CampaignOwners;
import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.routing.QueryRouter;
import io.attribution.query.routing.StoreApplications;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One Kafka Streams instance with its query API, started the way a real one must be: query port
 * first, so {@code application.server} can name it, then Kafka Streams, then the router handed to
 * the server.
 */
final class StreamsInstance implements AutoCloseable {

    final QueryServer server;
    /** The first (or only) application: the decisions, for the attribution topology. */
    final KafkaStreams streams;
    /** Every application of this instance, {@link #streams} first. */
    final List<KafkaStreams> applications;
    final HostInfo host;
    final String name;
    private boolean closed;

    private StreamsInstance(QueryServer server, List<KafkaStreams> applications, HostInfo host) {
        this.server = server;
        this.streams = applications.get(0);
        this.applications = applications;
        this.host = host;
        this.name = QueryProtocol.name(host);
    }

    /**
     * @param server  the query server, bound
     * @param streams builds Kafka Streams for this instance's {@code application.server} ({@code host:port})
     */
    static StreamsInstance start(QueryServer server, Function<String, KafkaStreams> streams) {
        return startAll(server, applicationServer -> List.of(streams.apply(applicationServer)),
                applications -> StoreApplications.single(applications.get(0)));
    }

    /**
     * Several Kafka Streams applications behind one query API, as a pipeline instance runs the
     * decisions and the views.
     *
     * @param applications builds them for this instance's {@code application.server}
     * @param stores       which of them holds each store
     */
    static StreamsInstance startAll(QueryServer server, Function<String, List<KafkaStreams>> applications,
                                    Function<List<KafkaStreams>, StoreApplications> stores) {
        return startAll(server, applications, stores, CampaignOwners.NOT_READ);
    }

    /** @param owners whose each campaign is, for a server whose access takes scoped tokens */
    static StreamsInstance startAll(QueryServer server, Function<String, List<KafkaStreams>> applications,
                                    Function<List<KafkaStreams>, StoreApplications> stores, CampaignOwners owners) {
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.port());
            List<KafkaStreams> instances = applications.apply(QueryProtocol.name(host));
            server.attach(QueryRouter.builder(stores.apply(instances), host)
                    .peerAuthorization(server.access().peerAuthorization()).build(), owners);
            instances.forEach(KafkaStreams::start);
            return new StreamsInstance(server, instances, host);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** Every application RUNNING and seeing {@code clients} instances in its group. */
    boolean running(int clients) {
        return applications.stream().allMatch(application -> application.state() == KafkaStreams.State.RUNNING
                && application.metadataForAllStreamsClients().size() == clients);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + name + pathAndQuery);
    }

    /**
     * Stops the instance the way the group sees a crash: it stays a member until its session
     * times out (no leave-group), its query port goes dark, and its state directory is kept.
     */
    void kill() {
        applications.forEach(application -> application.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ofSeconds(10))));
        server.close();
        closed = true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            applications.forEach(application -> application.close(Duration.ofSeconds(10)));
            server.close();
        }
    }
}
