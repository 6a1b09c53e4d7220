package io.attribution.connect.postbacks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds the postbacks in flight to each affiliate and keeps the status changes of one conversion in order: each
 * affiliate has a fixed number of lanes, a conversion always takes the same lane, and a lane runs one job after the
 * other. A slow affiliate fills only its own lanes. Used from the task's thread only.
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    private final int lanesPerAffiliate;
    private final Map<String, CompletableFuture<?>[]> tails = new HashMap<>();

    Lanes(int lanesPerAffiliate) {
        this.lanesPerAffiliate = lanesPerAffiliate;
    }

    /** Runs {@code job} once every job submitted earlier for the same affiliate and lane key has completed. */
    void submit(String affiliateId, String laneKey, Supplier<CompletableFuture<?>> job) {
        CompletableFuture<?>[] lanes = tails.computeIfAbsent(affiliateId, id -> {
            CompletableFuture<?>[] fresh = new CompletableFuture<?>[lanesPerAffiliate];
            Arrays.fill(fresh, CompletableFuture.completedFuture(null));
            return fresh;
        });
        int lane = Math.floorMod(laneKey.hashCode(), lanesPerAffiliate);
        lanes[lane] = lanes[lane].thenCompose(ignored -> run(job));
    }

    private static CompletableFuture<?> run(Supplier<CompletableFuture<?>> job) {
        try {
            // A failed job must not stop the lane: the next one runs whatever became of this one.
            return job.get().exceptionally(failure -> {
                LOG.error("A postback job failed unexpectedly", failure);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.error("A postback job failed unexpectedly", e);
            return CompletableFuture.completedFuture(null);
        }
    }
}
