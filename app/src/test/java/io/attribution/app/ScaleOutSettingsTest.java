package io.attribution.app;

import io.attribution.topology.BoundedRocksDbMemory;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static io.attribution.app.PipelineSettings.QUERY_HOST;
import static io.attribution.app.PipelineSettings.QUERY_PORT;
import static io.attribution.app.PipelineSettings.TOPOLOGY_APPLICATION_SERVER;
import static io.attribution.app.PipelineSettings.TOPOLOGY_NUM_STANDBY_REPLICAS;
import static io.attribution.app.PipelineSettings.TOPOLOGY_NUM_STREAM_THREADS;
import static io.attribution.app.PipelineSettings.TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES;
import static io.attribution.app.PipelineSettings.TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scale-out and memory settings, and the Kafka Streams settings they become. */
class ScaleOutSettingsTest {

    @Test
    void defaults() {
        assertThat(StreamsOverrides.from(PipelineSettings.defaultsOnly(), 8082)).containsExactlyInAnyOrderEntriesOf(Map.of(
                StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:8082",
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1",
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1",
                BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "268435456",
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, "67108864"));
    }

    @Test
    void kafkaStreamsAcceptsThem(@TempDir Path stateDir) {
        StreamsConfig config = new StreamsConfig(StreamsSettings.of("app", "localhost:9092", stateDir,
                StreamsOverrides.from(PipelineSettings.defaultsOnly(), 8082)));
        assertThat(config.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(config.getString(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:8082");
        assertThat(config.originals()).containsEntry(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "268435456");
        assertThat(config.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbMemory.class);
    }

    @Test
    void fileThenEnvironmentOverride(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("pipeline.properties"), String.join("\n",
                "query.host=10.0.0.7", "query.port=9000", "topology.num.standby.replicas=2",
                "topology.num.stream.threads=4", "topology.rocksdb.total.off.heap.bytes=4294967296"));
        PipelineSettings settings = PipelineSettings.load(Optional.of(file), Map.of(
                "TOPOLOGY_NUM_STREAM_THREADS", "2", "TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES", "1073741824"));

        assertThat(StreamsOverrides.from(settings, 9000)).containsExactlyInAnyOrderEntriesOf(Map.of(
                StreamsConfig.APPLICATION_SERVER_CONFIG, "10.0.0.7:9000",
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "2",
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2",
                BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "4294967296",
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, "1073741824"));
    }

    @Test
    void anExplicitApplicationServerWinsOverTheQueryAddress() {
        PipelineSettings settings = PipelineSettings.defaultsOnly().with(QUERY_HOST, "0.0.0.0")
                .with(TOPOLOGY_APPLICATION_SERVER, "attribution-2.internal:8082");
        assertThat(StreamsOverrides.applicationServer(settings, 8082)).isEqualTo("attribution-2.internal:8082");
        assertThat(StreamsOverrides.applicationServer(PipelineSettings.defaultsOnly().with(QUERY_HOST, "::1"), 8082))
                .isEqualTo("[::1]:8082");
    }

    @Test
    void malformedValuesNameTheirKey() {
        for (String malformed : new String[] {"host", "host:", ":8082", "host:0", "host:70000", "host:80a", "0.0.0.0:8082"}) {
            assertRejected(TOPOLOGY_APPLICATION_SERVER, malformed, TOPOLOGY_APPLICATION_SERVER);
        }
        assertRejected(TOPOLOGY_NUM_STANDBY_REPLICAS, "-1", TOPOLOGY_NUM_STANDBY_REPLICAS + " must be at least 0");
        assertRejected(TOPOLOGY_NUM_STREAM_THREADS, "0", TOPOLOGY_NUM_STREAM_THREADS + " must be at least 1");
        assertRejected(TOPOLOGY_NUM_STREAM_THREADS, "two", TOPOLOGY_NUM_STREAM_THREADS + " must be an integer");
        assertRejected(TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES, "-5", TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES);
        assertRejected(TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES, "268435456", TOPOLOGY_ROCKSDB_TOTAL_MEMTABLE_BYTES
                + " (268435456) must be less than " + TOPOLOGY_ROCKSDB_TOTAL_OFF_HEAP_BYTES);
        for (String port : new String[] {"-1", "65536"}) {
            assertThatThrownBy(() -> StreamsOverrides.queryPort(PipelineSettings.defaultsOnly().with(QUERY_PORT, port)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(QUERY_PORT);
        }
        // Derived from a bind-all host, the address would send other instances nowhere.
        assertRejected(QUERY_HOST, "0.0.0.0", "set " + TOPOLOGY_APPLICATION_SERVER);
    }

    @Test
    void aFreeQueryPortIsNamedAsBound() {
        PipelineSettings settings = PipelineSettings.defaultsOnly().with(QUERY_PORT, "0");
        assertThat(StreamsOverrides.queryPort(settings)).isZero();
        assertThat(StreamsOverrides.from(settings, 41234)).containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG,
                "127.0.0.1:41234");
    }

    @Test
    void aTypoInTheFileIsStillAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("pipeline.properties"), "topology.num.standby.replica=1\n");
        assertThatThrownBy(() -> PipelineSettings.load(Optional.of(file), Map.of()))
                .hasMessageContaining("topology.num.standby.replica");
    }

    private static void assertRejected(String key, String value, String message) {
        assertThatThrownBy(() -> StreamsOverrides.from(PipelineSettings.defaultsOnly().with(key, value), 8082))
                .as("%s=%s", key, value)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
