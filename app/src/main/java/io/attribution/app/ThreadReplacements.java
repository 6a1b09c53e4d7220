package io.attribution.app;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the topology does when a stream thread dies of an error nothing else handled (processing,
 * deserialization and production errors go to the dead-letter topic first): replace the thread, a
 * bounded number of times within a window, since a passing fault (a broker that went away, a
 * fenced producer) is mended by a fresh thread; then shut the client down, since an error that
 * keeps coming back is a bug or a broken cluster that a person must see. Health shows both.
 */
final class ThreadReplacements implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadReplacements.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> recent = new ArrayDeque<>();
    private long total;
    private String lastError;

    ThreadReplacements(int maxReplacements, Duration window, Clock clock) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable error) {
        Instant now = clock.instant();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(window))) {
            recent.removeFirst();
        }
        lastError = error.getClass().getName();
        if (recent.size() < maxReplacements) {
            recent.addLast(now);
            total++;
            LOG.error("A stream thread died; replacing it ({} of {} replacements allowed within {})", recent.size(),
                    maxReplacements, window, error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("A stream thread died and {} were replaced within {} already: shutting the topology down", maxReplacements,
                window, error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Threads replaced since the start. */
    synchronized long total() {
        return total;
    }

    /** The class of the last error that killed a thread, or null. */
    synchronized String lastError() {
        return lastError;
    }
}
