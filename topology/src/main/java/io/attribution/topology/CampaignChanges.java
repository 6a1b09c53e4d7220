package io.attribution.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes of the global campaign store, so that a stream thread knows when the
 * campaigns it decoded may be stale without reading the store: the global thread counts a change
 * after it wrote it, a stream thread reads the count before it reads a campaign.
 */
final class CampaignChanges {

    private final AtomicLong count = new AtomicLong();

    /** After the store took a campaign, or dropped one. */
    void changed() {
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }
}
