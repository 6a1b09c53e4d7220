package io.attribution.topology;

import io.attribution.avro.Click;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedRocksDbMemoryTest {

    private static final long MIB = 1024 * 1024;

    private final BoundedRocksDbMemory setter = new BoundedRocksDbMemory();

    @Test
    void everyStoreGetsTheSameCacheAndWriteBufferManager() {
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "3145728",
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, 1048576L);
        try (Options clicks = kafkaStreamsOptions(); Options ledger = kafkaStreamsOptions()) {
            setter.setConfig("clicks", clicks, configs);
            setter.setConfig("ledger", ledger, configs);

            BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(new BoundedRocksDbMemory.Budget(3 * MIB, MIB));
            assertThat(cacheOf(clicks)).isSameAs(shared.cache()).isSameAs(cacheOf(ledger));
            assertThat(clicks.writeBufferManager()).isSameAs(shared.writeBufferManager())
                    .isSameAs(ledger.writeBufferManager());
            BlockBasedTableConfig table = (BlockBasedTableConfig) clicks.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(clicks.maxWriteBufferNumber()).isEqualTo(2);

            setter.close("clicks", clicks);
            // Closing one store leaves the shared cache to the others.
            assertThat(shared.cache().isOwningHandle()).isTrue();
        }
    }

    @Test
    void theConfiguredCapacityBoundsARealStoreAndItsMemtables(@TempDir Path dir) throws RocksDBException {
        long capacity = 8 * MIB;
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, capacity,
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, 2 * MIB);
        try (Options options = kafkaStreamsOptions().setCreateIfMissing(true)) {
            setter.setConfig("bounded", options, configs);
            byte[] value = new byte[1024];
            Arrays.fill(value, (byte) 'x');
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                for (int i = 0; i < 16 * 1024; i++) {
                    db.put(("key-" + i).getBytes(), value);
                    // Memtables are charged to the cache (so usage shows), and it never grows past its capacity.
                    if (i % 1024 == 0) {
                        assertThat(cacheOf(options).getUsage()).isPositive().isLessThanOrEqualTo(capacity);
                    }
                }
                assertThat(db.get("key-0".getBytes())).isEqualTo(value);
                assertThat(cacheOf(options).getUsage()).isPositive().isLessThanOrEqualTo(capacity);
            }
        }
    }

    @Test
    void budgetDefaultsAndValidation() {
        assertThat(BoundedRocksDbMemory.Budget.from(Map.of()))
                .isEqualTo(new BoundedRocksDbMemory.Budget(256 * MIB, 64 * MIB));
        assertThatThrownBy(() -> BoundedRocksDbMemory.Budget.from(Map.of(
                BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "64MB")))
                .hasMessageContaining(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG);
        assertThatThrownBy(() -> BoundedRocksDbMemory.Budget.from(Map.of(
                BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "1048576",
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, "1048576")))
                .hasMessageContaining(BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG);
    }

    @Test
    void streamsSettingsUseItByDefaultAndCheckTheBudgetAtOnce(@TempDir Path stateDir) {
        Properties props = StreamsSettings.of("app", "unused:9092", stateDir, Map.of());
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbMemory.class.getName());

        assertThatThrownBy(() -> StreamsSettings.of("app", "unused:9092", stateDir,
                Map.of(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, "-1")))
                .hasMessageContaining(BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG);
        Properties overridden = StreamsSettings.of("app", "unused:9092", stateDir,
                Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.OtherSetter"));
        assertThat(overridden.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo("com.example.OtherSetter");
    }

    @Test
    void theTopologysStoresOpenWithItAndAreChargedToTheSharedCache(@TempDir Path stateDir) {
        BoundedRocksDbMemory.Budget budget = new BoundedRocksDbMemory.Budget(48 * MIB, 12 * MIB);
        Properties props = StreamsSettings.of("bounded-test", "unused:9092", stateDir, Map.of(
                BoundedRocksDbMemory.TOTAL_OFF_HEAP_BYTES_CONFIG, String.valueOf(budget.offHeapBytes()),
                BoundedRocksDbMemory.TOTAL_MEMTABLE_BYTES_CONFIG, String.valueOf(budget.memtableBytes())));
        BinaryAvroSerdes serdes = new BinaryAvroSerdes();
        Instant now = Instant.now();
        try (TopologyTestDriver driver = new TopologyTestDriver(
                AttributionTopology.build(serdes, props, AttributionSettings.defaults(),
                        new DeadLetterProducer(props)), props, now)) {
            Click click = Fixtures.click("click-1", "campaign-1", now);
            driver.createInputTopic(Topics.CLICKS.name(), new StringSerializer(), serdes.valueSerializer(Topics.CLICKS))
                    .pipeInput(click.getClickId(), click, now);

            assertThat(BoundedRocksDbMemory.shared(budget).cache().getUsage()).isPositive();
        }
    }

    /** Options as Kafka Streams hands them to a config setter: with its own table config. */
    private static Options kafkaStreamsOptions() {
        RocksDB.loadLibrary();
        return new Options().setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
    }

    private static org.rocksdb.Cache cacheOf(Options options) {
        return ((BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig()).blockCache();
    }
}
