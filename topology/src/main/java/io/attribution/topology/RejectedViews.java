package io.attribution.topology;

import io.attribution.avro.PostbackFate;
import io.attribution.avro.RejectedPostback;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

import java.util.Optional;

/**
 * Keeps the query views of rejected postbacks: the postback log, the recent rejections of each
 * campaign, and the hourly stats. Reads {@code conversions.rejected}, keyed by click_id.
 */
final class RejectedViews implements Processor<String, RejectedPostback, Void, Void> {

    private PostbackLog log;
    private StatsTable stats;
    private WindowStore<String, RejectedPostback> recent;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.log = new PostbackLog(context.getStateStore(QueryStores.POSTBACK_LOG));
        this.stats = new StatsTable(context.getStateStore(QueryStores.STATS));
        this.recent = context.getStateStore(QueryStores.RECENT_REJECTIONS);
    }

    @Override
    public void process(Record<String, RejectedPostback> record) {
        RejectedPostback rejection = record.value();
        if (!rejection.getTest()) {
            stats.rejected(rejection);
        }
        log.decided(PostbackFate.newBuilder().setRequestId(rejection.getRequestId())
                .setClickId(rejection.getClickId()).setDecidedAt(rejection.getRejectedAt())
                .setRejected(rejection).build());
        campaignOf(rejection).ifPresent(campaignId ->
                recent.put(campaignId, rejection, rejection.getRejectedAt().toEpochMilli()));
    }

    /**
     * The campaign of the click, else the one the postback names: an advertiser whose click ids
     * are all wrong still finds those rejections under the campaign it sends.
     */
    private static Optional<String> campaignOf(RejectedPostback rejection) {
        if (rejection.getCampaignId() != null) {
            return Optional.of(rejection.getCampaignId());
        }
        return AttributionRules.namedCampaign(rejection.getPostback());
    }
}
