package io.attribution.app;

import org.slf4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;

/**
 * A JVM of a test's own on the test class path, so that the test can kill it for real (SIGKILL),
 * its output logged line by line and watched for the line that says it is ready.
 */
final class ChildJvm {

    private final Process process;
    private final long launchedAt;
    private final CompletableFuture<Long> ready = new CompletableFuture<>();

    private ChildJvm(Process process, long launchedAt) {
        this.process = process;
        this.launchedAt = launchedAt;
    }

    /**
     * @param jvmOptions  heap, collector, system properties
     * @param mainAndArgs the main class and its arguments
     * @param readyLine   a text the child prints once it is ready
     */
    static ChildJvm start(List<String> jvmOptions, List<String> mainAndArgs, String readyLine, Logger log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // Timestamps in its output tell a slow start from slow processing.
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        String trusted = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
        if (trusted != null) {
            command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=" + trusted);
        }
        // Surefire and failsafe put the real test class path here, even with a manifest-only jar.
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        long launchedAt = System.nanoTime();
        ChildJvm child = new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), launchedAt);
        Thread drain = new Thread(() -> child.drain(readyLine, log), "child-jvm-output");
        drain.setDaemon(true);
        drain.start();
        return child;
    }

    private void drain(String readyLine, Logger log) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.contains(readyLine)) {
                    ready.complete(System.nanoTime());
                }
                log.info("[child pid {}] {}", process.pid(), line);
            }
        } catch (IOException e) {
            // The pipe breaks when the child is killed.
        }
    }

    /** @return the time from launch to the ready line */
    Duration awaitReady(Duration atMost) {
        await("child pid " + process.pid() + " ready").atMost(atMost).pollInterval(Duration.ofMillis(10))
                .failFast("the child exited", () -> !process.isAlive())
                .until(ready::isDone);
        return Duration.ofNanos(ready.join() - launchedAt);
    }

    Process process() {
        return process;
    }
}
