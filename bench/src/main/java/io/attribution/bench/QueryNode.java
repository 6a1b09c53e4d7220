package io.attribution.bench;

import io.attribution.query.AttributionQueryApi;
import io.attribution.query.QueryServer;
import io.attribution.query.routing.QueryRouter;
import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import io.attribution.topology.BoundedRocksDbMemory;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One instance of the attribution topology with its query API, started the way the pipeline
 * starts one: the query port first (so {@code application.server} names it), then Kafka Streams,
 * then the router handed to the server. {@link #start} is separate from construction so that both
 * instances join the group at nearly the same moment.
 */
final class QueryNode implements AutoCloseable {

    /** Generous: the two instances share it (one budget per process), and the clicks must fit without thrashing. */
    static final long ROCKSDB_OFF_HEAP_BYTES = 1024L * 1024 * 1024;
    static final long ROCKSDB_MEMTABLE_BYTES = 256L * 1024 * 1024;
    /**
     * The smallest allowed: an instance that joins after the other started gets warm-up replicas
     * first, and they turn into active tasks only at a probing rebalance (every 10 minutes by default).
     */
    private static final String PROBING_REBALANCE_INTERVAL_MS = "60000";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    final String name;
    final HostInfo host;
    final QueryServer server;
    final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private QueryNode(QueryServer server, KafkaStreams streams, HostInfo host) {
        this.server = server;
        this.streams = streams;
        this.host = host;
        this.name = host.host() + ":" + host.port();
        streams.setUncaughtExceptionHandler(error -> {
            failure.compareAndSet(null, error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** @param partitions of the input topics, as created */
    static QueryNode create(String bootstrapServers, RecordSerdes serdes, String applicationId, Path stateDir,
                            int threads, int partitions) throws Exception {
        QueryServer server = AttributionQueryApi.start("127.0.0.1", 0, Clock.systemUTC());
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.port());
            Properties props = StreamsSettings.of(applicationId, bootstrapServers, stateDir, Map.of(
                    StreamsConfig.APPLICATION_SERVER_CONFIG, host.host() + ":" + host.port(),
                    StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads),
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0",
                    StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, PROBING_REBALANCE_INTERVAL_MS,
                    BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, String.valueOf(ROCKSDB_OFF_HEAP_BYTES),
                    BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, String.valueOf(ROCKSDB_MEMTABLE_BYTES)));
            KafkaStreams streams = new KafkaStreams(
                    AttributionTopology.build(serdes, props, AttributionSettings.defaults().withInputPartitions(partitions),
                            new DeadLetterProducer(props)), props);
            server.attach(new QueryRouter(streams, host));
            return new QueryNode(server, streams, host);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    void start() {
        streams.start();
    }

    /** Fails when the instance stopped on an error. */
    void check() {
        if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR
                || streams.state() == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("instance " + name + " failed (" + streams.state() + ")", failure.get());
        }
    }

    boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Tasks that are not active here; with no standby replicas configured these are warm-up replicas. */
    int warmupTasks() {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.standbyTasks().size()).sum();
    }

    /** The partitions of {@code topic} whose active task runs here. */
    Set<Integer> activePartitions(String topic) {
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).forEach(partitions::add));
        }
        return partitions;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + name + pathAndQuery);
    }

    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        server.close();
    }
}
