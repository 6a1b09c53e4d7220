package io.attribution.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The embedded Kafka broker in a child JVM ({@link BrokerMain}) on this JVM's class path: the
 * benchmark's own process CPU then leaves the broker out, and the broker's CPU is read apart
 * ({@link #cpuNanos()}). Its output other than the ready line is passed on to standard error.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final String bootstrapServers;
    private final Thread shutdownHook;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.shutdownHook = new Thread(process::destroyForcibly, "bench-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** @param heap the child's {@code -Xmx}, such as {@code 1g} */
    static BrokerProcess start(String heap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                BrokerMain.class.getName())).redirectErrorStream(true).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread output = new Thread(() -> drain(process, ready), "bench-broker-output");
        output.setDaemon(true);
        output.start();
        try {
            return new BrokerProcess(process, ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker child process did not start", e);
        }
    }

    private static void drain(Process process, CompletableFuture<String> ready) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(BrokerMain.READY)) {
                    ready.complete(line.substring(BrokerMain.READY.length()).trim());
                } else {
                    System.err.println("[broker] " + line);
                }
            }
        } catch (IOException e) {
            // The pipe breaks when the child is killed: its output has ended either way.
        }
        ready.completeExceptionally(new IllegalStateException("the broker's output ended before it was ready"));
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the broker process has used so far (the kernel counts it in 10 ms ticks). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("the OS does not report the broker's CPU time"));
    }

    /** Ends the child's standard input, which stops the broker; kills it if it is still there after 30 s. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }
}
