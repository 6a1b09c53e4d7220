package io.attribution.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one Kafka Streams application's stream threads ({@code <client id>-StreamThread-N},
 * the client id starting with the application id): the topology's own work, without the producer
 * and consumer network threads, the global thread or anything else in the process. Read it before
 * the application closes: the time of a thread that has ended is gone.
 */
final class StreamThreadCpu {

    private StreamThreadCpu() {
    }

    static long nanos(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith(applicationId + "-") && name.contains("-StreamThread-")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }
}
