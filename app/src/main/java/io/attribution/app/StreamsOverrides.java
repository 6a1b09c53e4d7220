package io.attribution.app;

import io.attribution.topology.BoundedRocksDbMemory;
import org.apache.kafka.streams.StreamsConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.attribution.app.PipelineSettings.QUERY_HOST;
import static io.attribution.app.PipelineSettings.QUERY_PORT;
import static io.attribution.app.PipelineSettings.TOPOLOGY_APPLICATION_SERVER;
import static io.attribution.app.PipelineSettings.TOPOLOGY_NUM_STANDBY_REPLICAS;
import static io.attribution.app.PipelineSettings.TOPOLOGY_NUM_STREAM_THREADS;
import static io.attribution.app.PipelineSettings.TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES;
import static io.attribution.app.PipelineSettings.TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES;

/**
 * The pipeline settings that become Kafka Streams settings (scale-out and memory), checked here so
 * that a mistake names our key, not the Kafka one it turns into.
 */
final class StreamsOverrides {

    // Addresses a server binds to but no other instance can connect to.
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private StreamsOverrides() {
    }

    /** @param queryPort the port the query API is bound to (query.port may be 0: pick a free one) */
    static Map<String, String> from(PipelineSettings settings, int queryPort) {
        long offHeap = settings.longInteger(TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES, 1);
        long memtables = settings.longInteger(TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES, 1);
        if (memtables >= offHeap) {
            // Memtables are charged to the same budget: they must leave room for the block cache.
            throw new IllegalArgumentException(TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES + " (" + memtables
                    + ") must be less than " + TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES + " (" + offHeap + ")");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer(settings, queryPort));
        overrides.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                String.valueOf(settings.integer(TOPOLOGY_NUM_STANDBY_REPLICAS, 0)));
        // At least one: with none the instance joins the group but never processes, and never gets ready.
        overrides.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                String.valueOf(settings.integer(TOPOLOGY_NUM_STREAM_THREADS, 1)));
        overrides.put(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, String.valueOf(offHeap));
        overrides.put(BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, String.valueOf(memtables));
        return overrides;
    }

    /** The port the query API binds to: 0 picks a free one, which application.server then names. */
    static int queryPort(PipelineSettings settings) {
        int port = settings.integer(QUERY_PORT, 0);
        if (port > 65535) {
            throw new IllegalArgumentException(QUERY_PORT + " must be at most 65535, was " + port);
        }
        return port;
    }

    /** Where other instances reach this one's query API: the setting, else query.host and the bound port. */
    static String applicationServer(PipelineSettings settings, int queryPort) {
        Optional<String> configured = settings.optional(TOPOLOGY_APPLICATION_SERVER);
        if (configured.isPresent()) {
            return checkedHostPort(configured.get());
        }
        String host = settings.string(QUERY_HOST);
        int port = queryPort;
        if (WILDCARDS.contains(host)) {
            // Other instances would be sent to an address they cannot reach: ask rather than guess.
            throw new IllegalArgumentException("set " + TOPOLOGY_APPLICATION_SERVER + " to the host:port other instances"
                    + " reach this one's query API at: " + QUERY_HOST + "=" + host + " is not an address to connect to");
        }
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String checkedHostPort(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        String port = colon < 0 ? "" : value.substring(colon + 1);
        String problem = null;
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            problem = "a host";
        } else if (WILDCARDS.contains(host)) {
            problem = "a host other instances can connect to, not a wildcard";
        } else if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            problem = "a port from 1 to 65535";
        }
        if (problem != null) {
            throw new IllegalArgumentException(TOPOLOGY_APPLICATION_SERVER + " must be host:port with " + problem
                    + ", was '" + value + "'");
        }
        return value;
    }
}
