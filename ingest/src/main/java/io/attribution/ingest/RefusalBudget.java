package io.attribution.ingest;

import java.util.function.LongSupplier;

/**
 * How many invalid requests the edge records per second, for every client together: a token
 * bucket that holds a second's worth. The per-address rate limit does not bound a flood from many
 * addresses; this does, so such a flood cannot fill {@code postbacks.raw}.
 */
final class RefusalBudget {

    private final double perSecond;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    /** @param nanoTime {@link System#nanoTime}, or a test's clock */
    RefusalBudget(int perSecond, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = perSecond;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes one recording from the budget, if there is one left. */
    synchronized boolean tryTake() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - refilledAt) * perSecond / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
