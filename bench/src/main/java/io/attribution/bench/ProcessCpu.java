package io.attribution.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** CPU time used by this process, all threads: the embedded broker, the topology and the counting consumer. */
final class ProcessCpu {

    private ProcessCpu() {
    }

    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its CPU time");
    }
}
