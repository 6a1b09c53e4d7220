package io.attribution.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * N connections from 127.0.0.1, each a thread ({@link PostbackLoadConnection}) sending a postback,
 * reading the whole answer, and sending the next one on the same connection (keep-alive) until the
 * round's time is up.
 */
final class PostbackLoad {

    private PostbackLoad() {
    }

    /**
     * @param cpuNanos       CPU time of this whole process (load generator, Jetty, ingest) over the
     *                       round: unlike requests/s, hardly moved by other processes competing for the CPUs
     * @param brokerCpuNanos CPU time of the broker's own process over the round
     */
    record Result(long ok, Duration elapsed, Map<Integer, Long> statuses, long[] latencyNanos, long cpuNanos,
                  long brokerCpuNanos) {

        double perSecond() {
            return ok / (elapsed.toNanos() / 1e9);
        }

        double cpuMicrosPerRequest() {
            return ok == 0 ? Double.NaN : cpuNanos / 1e3 / ok;
        }

        double brokerCpuMicrosPerRequest() {
            return ok == 0 ? Double.NaN : brokerCpuNanos / 1e3 / ok;
        }

        double percentileMillis(int percentile) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencyNanos.length - 1,
                    Math.ceil(percentile / 100.0 * latencyNanos.length) - 1);
            return latencyNanos[Math.max(0, index)] / 1e6;
        }
    }

    /** @param brokerCpu the broker process's CPU time so far, in nanoseconds */
    static Result run(String name, int port, int connections, Duration duration, LongSupplier brokerCpu)
            throws Exception {
        return run(name, port, connections, duration, brokerCpu, false);
    }

    /** @param clicks {@code /click} requests instead of postbacks */
    static Result run(String name, int port, int connections, Duration duration, LongSupplier brokerCpu,
                      boolean clicks) throws Exception {
        PostbackLoadConnection[] workers = new PostbackLoadConnection[connections];
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < connections; i++) {
            workers[i] = new PostbackLoadConnection(name + "-" + i, port, go, clicks);
            workers[i].start();
        }
        long cpuStart = ProcessCpu.nanos();
        long brokerCpuStart = brokerCpu.getAsLong();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (PostbackLoadConnection worker : workers) {
            worker.deadline = deadline;
        }
        go.countDown();
        for (PostbackLoadConnection worker : workers) {
            worker.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        long cpu = ProcessCpu.nanos() - cpuStart;
        long brokerCpuUsed = brokerCpu.getAsLong() - brokerCpuStart;
        long ok = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        int samples = 0;
        for (PostbackLoadConnection worker : workers) {
            ok += worker.ok;
            worker.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
            samples += worker.latencyCount;
            if (worker.failure != null) {
                statuses.merge(-1, 1L, Long::sum);
            }
        }
        long[] latencies = new long[samples];
        int at = 0;
        for (PostbackLoadConnection worker : workers) {
            System.arraycopy(worker.latencies, 0, latencies, at, worker.latencyCount);
            at += worker.latencyCount;
        }
        Arrays.sort(latencies);
        return new Result(ok, elapsed, statuses, latencies, cpu, brokerCpuUsed);
    }
}
