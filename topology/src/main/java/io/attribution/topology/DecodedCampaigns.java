package io.attribution.topology;

import io.attribution.avro.Campaign;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * The campaigns one processor reads, each decoded once per change of the campaign store instead of
 * on every lookup (a registry-framed Avro decode, twice or more per postback otherwise). Any change
 * of any campaign forgets them all: campaigns change seldom, postbacks come all the time. Holds at
 * most the campaigns the store holds, since an unknown id is not remembered. Not thread-safe: one
 * per processor instance.
 */
final class DecodedCampaigns {

    private final KeyValueStore<String, Campaign> store;
    private final CampaignChanges changes;
    private final Map<String, Campaign> decoded = new HashMap<>();
    private long decodedAt = -1;

    DecodedCampaigns(KeyValueStore<String, Campaign> store, CampaignChanges changes) {
        this.store = store;
        this.changes = changes;
    }

    /** The campaign in force, or null when there is none; callers must not change it. */
    Campaign get(String campaignId) {
        // The count before the store: a change written meanwhile counts after it, so the next
        // lookup forgets what this one may have decoded from before the change.
        long now = changes.count();
        if (now != decodedAt) {
            decoded.clear();
            decodedAt = now;
        }
        Campaign campaign = decoded.get(campaignId);
        if (campaign == null) {
            campaign = store.get(campaignId);
            if (campaign != null) {
                decoded.put(campaignId, campaign);
            }
        }
        return campaign;
    }
}
