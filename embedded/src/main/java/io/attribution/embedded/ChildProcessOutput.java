package io.attribution.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Drains a child process's output on a daemon thread, so the child never blocks on a full pipe, and watches it for
 * the ports Quarkus reports once it is listening: the HTTP port, and the management interface's (health, metrics)
 * where it has one of its own.
 */
final class ChildProcessOutput {

    private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^\\s:]+:(\\d+)");
    private static final Pattern MANAGEMENT = Pattern.compile("Management interface listening on https?://[^\\s:]+:(\\d+)");
    private static final int TAIL_LINES = 30;

    private final Deque<String> tail = new ArrayDeque<>(TAIL_LINES);
    private final CompletableFuture<Ports> listeningPorts = new CompletableFuture<>();

    /** @param management the management interface's port; the HTTP port where it has none of its own */
    record Ports(int http, int management) {
    }

    private ChildProcessOutput() {
    }

    static ChildProcessOutput drain(InputStream output, String threadName, Logger logger) {
        ChildProcessOutput drained = new ChildProcessOutput();
        Thread reader = new Thread(() -> drained.read(output, logger), threadName);
        reader.setDaemon(true);
        reader.start();
        return drained;
    }

    private void read(InputStream output, Logger logger) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                logger.debug("{}", line);
                remember(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    int http = Integer.parseInt(listening.group(1));
                    Matcher management = MANAGEMENT.matcher(line);
                    listeningPorts.complete(new Ports(http,
                            management.find() ? Integer.parseInt(management.group(1)) : http));
                }
            }
        } catch (IOException e) {
            // The pipe breaks when the child is killed; that is the end of its output like any other.
            logger.debug("Stopped reading child output", e);
        }
        listeningPorts.completeExceptionally(new IllegalStateException("output ended before the port was reported"));
    }

    private synchronized void remember(String line) {
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(line);
    }

    /** Completes with the ports from the child's "Listening on" line, or fails once its output ends without one. */
    CompletableFuture<Ports> listeningPorts() {
        return listeningPorts;
    }

    /** The last lines the child printed, for error messages. */
    synchronized String tail() {
        return String.join(System.lineSeparator(), tail);
    }
}
