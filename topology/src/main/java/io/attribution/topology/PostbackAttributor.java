package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A postback meets its click: attributed by the rules at once when the click is known, held
 * within grace when it is not yet (the click tracker may be late), and rejected UNKNOWN_CLICK when
 * grace ends.
 *
 * <p>When grace ends is measured on stream time while records flow, so that after an outage the
 * backlog of clicks is read before any waiting postback is given up on; on a quiet partition,
 * where stream time stands still, the wall clock takes over, so the answer still comes within
 * grace plus a few check intervals.
 */
final class PostbackAttributor implements Processor<String, RawPostback, String, Outcome> {

    private final AttributionSettings settings;
    private ProcessorContext<String, Outcome> context;
    private WindowStore<String, Click> clicks;
    private KeyValueStore<String, Campaign> campaigns;
    private PendingPostbacks pending;
    private long lastStreamTime = Long.MIN_VALUE;
    private Instant streamTimeMovedAt;

    PostbackAttributor(AttributionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.clicks = context.getStateStore(StoreNames.CLICKS);
        this.campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
        this.pending = new PendingPostbacks(context.getStateStore(StoreNames.PENDING_POSTBACKS));
        context.schedule(settings.graceCheckInterval(), PunctuationType.WALL_CLOCK_TIME,
                now -> rejectUnclaimed(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, RawPostback> record) {
        RawPostback postback = record.value();
        if (postback == null) {
            return;
        }
        Optional<Outcome.Rejected> unreadable = AttributionRules.unreadable(postback);
        if (unreadable.isPresent()) {
            forward(unreadable.get(), postback.getReceivedAt());
            return;
        }
        Optional<Click> click = WindowedStores.latest(clicks, postback.getClickId()).map(found -> found.value);
        if (click.isEmpty() && !settings.unknownClickGrace().isZero()) {
            pending.hold(postback);
            return;
        }
        Campaign campaign = click.map(c -> campaigns.get(c.getCampaignId())).orElse(null);
        forward(AttributionRules.attribute(postback, click.orElse(null), campaign), postback.getReceivedAt());
    }

    private void rejectUnclaimed(Instant now) {
        Duration grace = settings.unknownClickGrace();
        for (RawPostback postback : pending.expire(graceClock(now), grace)) {
            Instant graceEnd = postback.getReceivedAt().plus(grace);
            forward(Outcome.Rejected.of(postback, RejectionReason.UNKNOWN_CLICK,
                    "no click with click_id " + postback.getClickId() + " arrived within " + grace,
                    null, null, null, graceEnd), graceEnd);
        }
    }

    /** Stream time while it moves; the wall clock once it has stood still for two check intervals. */
    private Instant graceClock(Instant wallClock) {
        long streamTime = context.currentStreamTimeMs();
        if (streamTime != lastStreamTime || streamTimeMovedAt == null) {
            lastStreamTime = streamTime;
            streamTimeMovedAt = wallClock;
        }
        boolean quiet = Duration.between(streamTimeMovedAt, wallClock)
                .compareTo(settings.graceCheckInterval().multipliedBy(2)) >= 0;
        return quiet ? wallClock : Instant.ofEpochMilli(Math.max(streamTime, 0));
    }

    private void forward(Outcome outcome, Instant timestamp) {
        context.forward(new Record<>(outcome.clickId(), outcome, timestamp.toEpochMilli()));
    }

    /** The click side of the same meeting: remember the click, release the postbacks waiting for it. */
    static final class ClickArrivals implements Processor<String, Click, String, Outcome> {

        private ProcessorContext<String, Outcome> context;
        private WindowStore<String, Click> clicks;
        private KeyValueStore<String, Campaign> campaigns;
        private PendingPostbacks pending;

        @Override
        public void init(ProcessorContext<String, Outcome> context) {
            this.context = context;
            this.clicks = context.getStateStore(StoreNames.CLICKS);
            this.campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
            this.pending = new PendingPostbacks(context.getStateStore(StoreNames.PENDING_POSTBACKS));
        }

        @Override
        public void process(Record<String, Click> record) {
            Click click = record.value();
            if (record.key() == null || click == null) {
                return;
            }
            clicks.put(record.key(), click, click.getClickedAt().toEpochMilli());
            Campaign campaign = campaigns.get(click.getCampaignId());
            for (RawPostback postback : pending.release(record.key())) {
                Outcome outcome = AttributionRules.attribute(postback, click, campaign);
                context.forward(new Record<>(outcome.clickId(), outcome, postback.getReceivedAt().toEpochMilli()));
            }
        }
    }
}
