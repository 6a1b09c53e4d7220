package io.attribution.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Fails fast when threads of this process are deadlocked. Kafka Streams 4.3.1 can deadlock a
 * stream thread against an IQv2 {@code RangeQuery} on a RocksDB key-value store (the stats
 * endpoint) when the store is written at the same time: the query takes the store's position
 * lock and then the store's lock, {@code RocksDBStore.put} takes them the other way round
 * (KAFKA-19629). A deadlocked run never ends by itself: every stats request then times out, and
 * Kafka Streams cannot close.
 */
final class Deadlocks {

    private static final int FRAMES_SHOWN = 12;

    private Deadlocks() {
    }

    /** @throws DeadlockFound naming the deadlocked threads and where each one waits */
    static void check() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] ids = threads.findDeadlockedThreads();
        if (ids == null) {
            return;
        }
        StringBuilder text = new StringBuilder("threads of this process are deadlocked:\n");
        for (ThreadInfo info : threads.getThreadInfo(ids, true, true)) {
            if (info == null) {
                continue;
            }
            text.append("  \"").append(info.getThreadName()).append("\" waits for ").append(info.getLockName())
                    .append(" held by \"").append(info.getLockOwnerName()).append("\"\n");
            StackTraceElement[] stack = info.getStackTrace();
            for (int i = 0; i < Math.min(FRAMES_SHOWN, stack.length); i++) {
                text.append("      at ").append(stack[i]).append('\n');
            }
        }
        throw new DeadlockFound(text.toString());
    }

    static final class DeadlockFound extends RuntimeException {
        DeadlockFound(String message) {
            super(message, null, false, false);
        }
    }
}
