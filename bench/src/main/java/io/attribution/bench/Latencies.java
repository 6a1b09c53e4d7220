package io.attribution.bench;

import java.util.Arrays;

/** The latencies of one kind of request in one round, in nanoseconds, and its errors. */
final class Latencies {

    private long[] nanos = new long[1024];
    private int count;
    private int errors;

    void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    void error() {
        errors++;
    }

    int count() {
        return count;
    }

    int errors() {
        return errors;
    }

    /** Nearest rank: the smallest latency that at least {@code percent}% of the requests did not exceed. */
    double percentileMillis(double percent) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)] / 1e6;
    }

    double maxMillis() {
        return percentileMillis(100);
    }
}
