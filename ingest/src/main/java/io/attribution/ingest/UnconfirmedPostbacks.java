package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.schemas.RegisteredSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The postbacks stored since the registry last confirmed the schema id they were written under.
 * An in-memory registry that goes down forgets its ids, and ingest learns of it only at its next
 * check: whatever was stored in between may be under an id the restarted registry does not hold,
 * unreadable although answered 200. Kept here until a check that began after they were stored
 * confirms their id; written again when the id confirmed is another one. Bounded: when the
 * registry has not confirmed anything for that long, new postbacks are refused (503) instead.
 */
final class UnconfirmedPostbacks implements RegisteredSchema.Confirmation {

    /** A postback stored under a content id, and when it was acknowledged ({@link System#nanoTime()}). */
    private record Stored(RawPostback postback, long contentId, long acknowledgedAt) {
    }

    /** Writes postbacks again, under the id the registry holds now. */
    interface Rewriter {
        void rewrite(RawPostback postback);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UnconfirmedPostbacks.class);

    /** The id of a postback that must be written again whatever id is confirmed next. */
    static final long NO_ID = -1;

    private final int capacity;
    private final Map<String, Stored> byRequestId = new LinkedHashMap<>();
    private Rewriter rewriter = postback -> { };

    UnconfirmedPostbacks(int capacity) {
        this.capacity = capacity;
    }

    synchronized void rewriteWith(Rewriter rewriter) {
        this.rewriter = rewriter;
    }

    /** Whether one more postback may be stored now. */
    synchronized boolean hasRoom() {
        return byRequestId.size() < capacity;
    }

    synchronized void stored(RawPostback postback, long contentId, long acknowledgedAt) {
        byRequestId.put(postback.getRequestId(), new Stored(postback, contentId, acknowledgedAt));
    }

    synchronized int size() {
        return byRequestId.size();
    }

    @Override
    public void confirmed(long contentId, long checkStartedNanos) {
        List<RawPostback> stale = new ArrayList<>();
        Rewriter again;
        synchronized (this) {
            for (Iterator<Stored> it = byRequestId.values().iterator(); it.hasNext(); ) {
                Stored stored = it.next();
                if (stored.acknowledgedAt() - checkStartedNanos >= 0) {
                    continue; // Stored while the check ran: the next one tells.
                }
                it.remove();
                if (stored.contentId() != contentId) {
                    stale.add(stored.postback());
                }
            }
            again = rewriter;
        }
        if (!stale.isEmpty()) {
            LOG.warn("{} postbacks were stored under a schema id the registry no longer holds (it restarted empty?):"
                    + " writing them again under content id {}", stale.size(), contentId);
        }
        // Outside the lock: a rewrite is stored (and noted here) on the producer's thread.
        stale.forEach(again::rewrite);
    }
}
