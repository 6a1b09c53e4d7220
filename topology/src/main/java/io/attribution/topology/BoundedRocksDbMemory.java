package io.attribution.topology;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the off-heap memory of every RocksDB store in the process, as the Kafka Streams memory
 * management docs show. Without it each store (and each segment of a windowed store) gets its own
 * block cache and memtables, so memory grows with partitions and segments, not with a setting.
 *
 * <p>All stores share one block cache of {@value #TOTAL_OFF_HEAP_BYTES_CONFIG} bytes, and their
 * memtables are charged to that same cache through one write buffer manager of
 * {@value #TOTAL_MEMTABLE_BYTES_CONFIG} bytes; index and filter blocks live in the cache too, so
 * the cache size is the bound for blocks, indexes, filters and memtables together (iterators'
 * pinned blocks and compaction buffers aside).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    public static final String TOTAL_OFF_HEAP_BYTES_CONFIG = "rocksdb.total.off.heap.bytes";
    public static final String TOTAL_MEMTABLE_BYTES_CONFIG = "rocksdb.total.memtable.bytes";
    public static final long DEFAULT_TOTAL_OFF_HEAP_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_TOTAL_MEMTABLE_BYTES = 64L * 1024 * 1024;

    // Index and filter blocks are small and hit on every read: keep them out of data blocks' way.
    private static final double INDEX_FILTER_BLOCK_RATIO = 0.1;
    // One memtable taking writes and one being flushed; the write buffer manager flushes early anyway.
    private static final int MAX_WRITE_BUFFERS = 2;

    /**
     * One cache and write buffer manager per budget, created on first use and never closed: the
     * stores of every task and thread share them, and a store closing must not pull them from
     * the others. A process runs one budget; a second only appears in tests.
     */
    private static final Map<Budget, Shared> SHARED = new ConcurrentHashMap<>();

    /** The process-wide memory bound, read from the streams config. */
    public record Budget(long offHeapBytes, long memtableBytes) {

        public Budget {
            if (offHeapBytes <= 0) {
                throw new IllegalArgumentException(TOTAL_OFF_HEAP_BYTES_CONFIG + " must be positive, was " + offHeapBytes);
            }
            if (memtableBytes <= 0 || memtableBytes >= offHeapBytes) {
                // Memtables are charged to the cache: they must leave room for index, filter and data blocks.
                throw new IllegalArgumentException(TOTAL_MEMTABLE_BYTES_CONFIG + " must be positive and less than "
                        + TOTAL_OFF_HEAP_BYTES_CONFIG + " (" + offHeapBytes + "), was " + memtableBytes);
            }
        }

        /** The budget {@code configs} set, the defaults for what they leave out. */
        public static Budget from(Map<?, ?> configs) {
            return new Budget(bytes(configs, TOTAL_OFF_HEAP_BYTES_CONFIG, DEFAULT_TOTAL_OFF_HEAP_BYTES),
                    bytes(configs, TOTAL_MEMTABLE_BYTES_CONFIG, DEFAULT_TOTAL_MEMTABLE_BYTES));
        }

        private static long bytes(Map<?, ?> configs, String key, long defaultValue) {
            Object value = configs.get(key);
            if (value == null) {
                return defaultValue;
            }
            try {
                return Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number of bytes, was '" + value + "'");
            }
        }
    }

    record Shared(Cache cache, WriteBufferManager writeBufferManager) {

        static Shared create(Budget budget) {
            RocksDB.loadLibrary();
            // Strict: the cache fails an insert rather than grow past the bound.
            Cache cache = new LRUCache(budget.offHeapBytes(), -1, true, INDEX_FILTER_BLOCK_RATIO);
            return new Shared(cache, new WriteBufferManager(budget.memtableBytes(), cache));
        }
    }

    /** The cache and write buffer manager every store configured with {@code budget} shares. */
    static Shared shared(Budget budget) {
        return SHARED.computeIfAbsent(budget, Shared::create);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(Budget.from(configs));
        // Kafka Streams hands over its own table config (it reads the cache from it for metrics): change that one.
        BlockBasedTableConfig tableConfig = options.tableFormatConfig() instanceof BlockBasedTableConfig existing
                ? existing : new BlockBasedTableConfig();
        tableConfig.setBlockCache(shared.cache());
        tableConfig.setCacheIndexAndFilterBlocks(true);
        tableConfig.setCacheIndexAndFilterBlocksWithHighPriority(true);
        tableConfig.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBufferManager());
        options.setMaxWriteBufferNumber(MAX_WRITE_BUFFERS);
        options.setTableFormatConfig(tableConfig);
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing: the cache and write buffer manager are shared by every store of the process.
    }
}
