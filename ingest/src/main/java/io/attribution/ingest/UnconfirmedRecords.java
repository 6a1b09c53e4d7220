package io.attribution.ingest;

import io.attribution.schemas.RegisteredSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The records (postbacks, clicks) stored since the registry last confirmed the schema id they were written under.
 * An in-memory registry that goes down forgets its ids, and ingest learns of it only at its next
 * check: whatever was stored in between may be under an id the restarted registry does not hold,
 * unreadable although answered 200. Kept here until a check that began after they were stored
 * confirms their id; written again when the id confirmed is another one. Bounded: when the
 * registry has not confirmed anything for that long, new records are refused (503) instead.
 */
final class UnconfirmedRecords<R> implements RegisteredSchema.Confirmation {

    /** A record stored under a content id, and when it was acknowledged ({@link System#nanoTime()}). */
    private record Stored<R>(R record, long contentId, long acknowledgedAt) {
    }

    /** Writes records again, under the id the registry holds now. */
    interface Rewriter<R> {
        void rewrite(R record);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UnconfirmedRecords.class);

    /** The id of a record that must be written again whatever id is confirmed next. */
    static final long NO_ID = -1;

    private final int capacity;
    /** In the order they were noted, which is the order of their acknowledgements. */
    private final Deque<Stored<R>> stored = new ArrayDeque<>();
    private Rewriter<R> rewriter = record -> { };
    private final String what;

    /** @param what the records' name in the log, e.g. {@code postbacks} */
    UnconfirmedRecords(String what, int capacity) {
        this.what = what;
        this.capacity = capacity;
    }

    synchronized void rewriteWith(Rewriter<R> rewriter) {
        this.rewriter = rewriter;
    }

    /** Whether one more record may be stored now. */
    synchronized boolean hasRoom() {
        return stored.size() < capacity;
    }

    synchronized void stored(R record, long contentId, long acknowledgedAt) {
        stored.addLast(new Stored<>(record, contentId, acknowledgedAt));
    }

    synchronized int size() {
        return stored.size();
    }

    @Override
    public void confirmed(long contentId, long checkStartedNanos) {
        List<R> stale = new ArrayList<>();
        Rewriter<R> again;
        synchronized (this) {
            // Up to the first stored while the check ran: the next check tells of that one and the rest.
            while (!stored.isEmpty() && stored.peekFirst().acknowledgedAt() - checkStartedNanos < 0) {
                Stored<R> confirmedOrStale = stored.pollFirst();
                if (confirmedOrStale.contentId() != contentId) {
                    stale.add(confirmedOrStale.record());
                }
            }
            again = rewriter;
        }
        if (!stale.isEmpty()) {
            LOG.warn("{} {} were stored under a schema id the registry no longer holds (it restarted empty?):"
                    + " writing them again under content id {}", stale.size(), what, contentId);
        }
        // Outside the lock: a rewrite is stored (and noted here) on the producer's thread.
        stale.forEach(again::rewrite);
    }
}
