package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.MisplacedInput;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 *
 * <p>A click or a postback read from another partition than its click_id belongs on (see
 * {@link InputPlacement}) is sent round once more through the misplaced-input topic, before it
 * touches any state; a second pair of these processors reads it there, on the right task.
 */
final class PostbackAttributor implements Processor<String, RawPostback, String, Outcome> {

    private final AttributionSettings settings;
    private final EventTimeBounds bounds;
    private final Clock clock;
    private final InputPlacement placement;
    private final boolean endsGrace;
    private final CampaignChanges campaignChanges;
    private ProcessorContext<String, Outcome> context;
    private WindowStore<String, Click> clicks;
    private DecodedCampaigns campaigns;
    private PendingPostbacks pending;
    private long lastStreamTime = Long.MIN_VALUE;
    private Instant streamTimeMovedAt;

    private PostbackAttributor(AttributionSettings settings, EventTimeBounds bounds, Clock clock,
                               InputPlacement placement, boolean endsGrace, CampaignChanges campaignChanges) {
        this.settings = settings;
        this.bounds = bounds;
        this.clock = clock;
        this.placement = placement;
        this.endsGrace = endsGrace;
        this.campaignChanges = campaignChanges;
    }

    /** Reads {@code postbacks.raw}: sends misplaced postbacks round, and ends the grace of waiting ones. */
    static PostbackAttributor ofInput(AttributionSettings settings, EventTimeBounds bounds, Clock clock,
                                      CampaignChanges campaignChanges) {
        return new PostbackAttributor(settings, bounds, clock,
                InputPlacement.checkedAgainst(settings.inputPartitions()), true, campaignChanges);
    }

    /**
     * Reads the postbacks of the misplaced-input topic, on their click's partition by now. The
     * input's attributor, on the same task and the same stores, ends the grace of those that wait.
     */
    static PostbackAttributor ofLoop(AttributionSettings settings, EventTimeBounds bounds, Clock clock,
                                     CampaignChanges campaignChanges) {
        return new PostbackAttributor(settings, bounds, clock, InputPlacement.alreadyPlaced(), false, campaignChanges);
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        placement.init(context);
        this.context = context;
        this.clicks = context.getStateStore(StoreNames.CLICKS);
        this.campaigns = new DecodedCampaigns(context.getStateStore(StoreNames.CAMPAIGNS), campaignChanges);
        this.pending = new PendingPostbacks(context.getStateStore(StoreNames.PENDING_POSTBACKS),
                context.getStateStore(StoreNames.PENDING_POSTBACKS_BY_TIME));
        if (endsGrace) {
            context.schedule(settings.graceCheckInterval(), PunctuationType.WALL_CLOCK_TIME,
                    now -> rejectUnclaimed(Instant.ofEpochMilli(now)));
        }
    }

    @Override
    public void process(Record<String, RawPostback> record) {
        RawPostback postback = record.value();
        if (postback == null) {
            return;
        }
        bounds.requireWithin(postback, record.timestamp());
        Optional<Outcome.Rejected> oversized = AttributionRules.oversized(postback);
        if (oversized.isPresent()) {
            // Before the misplaced check: a postback this large is carried nowhere, not even to its partition.
            forward(oversized.get(), postback.getReceivedAt());
            return;
        }
        String clickId = postback.getClickId();
        // A postback without click_id joins nothing: it is rejected wherever it is read.
        if (!clickId.isBlank() && placement.misplaced(clickId)) {
            context.forward(new Record<>(clickId, new Outcome.Misplaced(
                    MisplacedInput.newBuilder().setPostback(postback).build()), record.timestamp()));
            return;
        }
        if (postback.getEdgeRejection() != null) {
            Click click = clickId.isBlank() ? null : latestClick(clickId).orElse(null);
            forward(AttributionRules.refusedAtTheEdge(postback, click), postback.getReceivedAt());
            return;
        }
        Optional<Outcome.Rejected> unreadable = AttributionRules.unreadable(postback);
        if (unreadable.isPresent()) {
            forward(unreadable.get(), postback.getReceivedAt());
            return;
        }
        Optional<Click> click = latestClick(clickId);
        if (click.isEmpty() && !settings.unknownClickGrace().isZero()) {
            pending.hold(postback);
            return;
        }
        Campaign campaign = click.map(c -> campaigns.get(c.getCampaignId())).orElse(null);
        forward(AttributionRules.attribute(postback, click.orElse(null), campaign), postback.getReceivedAt());
    }

    private Optional<Click> latestClick(String clickId) {
        return WindowedStores.latest(clicks, clickId).map(found -> found.value);
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

    /**
     * Stream time while it moves, but never ahead of the clock: a producer may stamp records up to
     * the allowed skew ahead, and grace must not end early for that. The wall clock once stream
     * time has stood still for two check intervals.
     */
    private Instant graceClock(Instant wallClock) {
        long streamTime = context.currentStreamTimeMs();
        if (streamTime != lastStreamTime || streamTimeMovedAt == null) {
            lastStreamTime = streamTime;
            streamTimeMovedAt = wallClock;
        }
        boolean quiet = Duration.between(streamTimeMovedAt, wallClock)
                .compareTo(settings.graceCheckInterval().multipliedBy(2)) >= 0;
        return quiet ? wallClock : Instant.ofEpochMilli(Math.max(Math.min(streamTime, clock.millis()), 0));
    }

    private void forward(Outcome outcome, Instant timestamp) {
        context.forward(new Record<>(outcome.clickId(), outcome, timestamp.toEpochMilli()));
    }

    /** The click side of the same meeting: remember the click, release the postbacks waiting for it. */
    static final class ClickArrivals implements Processor<String, Click, String, Outcome> {

        private final EventTimeBounds bounds;
        private final InputPlacement placement;
        private final CampaignChanges campaignChanges;
        private ProcessorContext<String, Outcome> context;
        private WindowStore<String, Click> clicks;
        private DecodedCampaigns campaigns;
        private PendingPostbacks pending;

        /**
         * @param placement checked against the input's partition count for {@code clicks}; already
         *                  placed for the clicks of the misplaced-input topic
         */
        ClickArrivals(EventTimeBounds bounds, InputPlacement placement, CampaignChanges campaignChanges) {
            this.bounds = bounds;
            this.placement = placement;
            this.campaignChanges = campaignChanges;
        }

        @Override
        public void init(ProcessorContext<String, Outcome> context) {
            placement.init(context);
            this.context = context;
            this.clicks = context.getStateStore(StoreNames.CLICKS);
            this.campaigns = new DecodedCampaigns(context.getStateStore(StoreNames.CAMPAIGNS), campaignChanges);
            this.pending = new PendingPostbacks(context.getStateStore(StoreNames.PENDING_POSTBACKS),
                    context.getStateStore(StoreNames.PENDING_POSTBACKS_BY_TIME));
        }

        @Override
        public void process(Record<String, Click> record) {
            Click click = record.value();
            if (click == null) {
                return;
            }
            bounds.requireWithin(click, record.timestamp());
            // The click_id in the value joins, whatever the record's key (or none) says.
            String clickId = click.getClickId();
            if (placement.misplaced(clickId)) {
                context.forward(new Record<>(clickId, new Outcome.Misplaced(
                        MisplacedInput.newBuilder().setClick(click).build()), record.timestamp()));
                return;
            }
            clicks.put(clickId, click, click.getClickedAt().toEpochMilli());
            List<RawPostback> released = pending.release(clickId);
            // Most clicks never had a postback waiting: their campaign is not looked up.
            Campaign campaign = released.isEmpty() ? null : campaigns.get(click.getCampaignId());
            for (RawPostback postback : released) {
                Outcome outcome = AttributionRules.attribute(postback, click, campaign);
                context.forward(new Record<>(outcome.clickId(), outcome, postback.getReceivedAt().toEpochMilli()));
            }
        }
    }
}
