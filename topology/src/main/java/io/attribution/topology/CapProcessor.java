package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.CapHold;
import io.attribution.avro.CapSlot;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Daily and monthly conversion caps per goal, in the campaign's time zone. Its input is keyed by
 * campaign and goal, so one task sees every conversion of a goal: the cap holds across partitions
 * and instances.
 *
 * <p>A conversion holds a slot while its status is APPROVED or PENDING, counted in the day and
 * month (of the campaign's zone) in which it took it. A new conversion, or a status update into
 * APPROVED or PENDING, takes a slot then; when its day or month is full, a new conversion is still
 * a conversion, CANCELLED with reason CAP_REACHED, and an update is refused (CAP_REACHED) and
 * changes nothing. A status update out of APPROVED and PENDING gives the slot back to the periods it
 * was taken in. The status the caps gave a conversion (its effective status) can differ from the
 * one the advertiser asked for, so the ledger sends on a repeated status and this stage decides
 * whether it is a change (DUPLICATE_TXN when it is not).
 */
final class CapProcessor implements Processor<String, ConversionCandidate, String, Outcome> {

    private final CampaignChanges campaignChanges;
    private ProcessorContext<String, Outcome> context;
    private DecodedCampaigns campaigns;
    private WindowStore<String, Long> counters;
    private WindowStore<String, CapHold> holds;
    private WindowStore<String, Long> cancelledBeforeHolds;

    CapProcessor(CampaignChanges campaignChanges) {
        this.campaignChanges = campaignChanges;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.campaigns = new DecodedCampaigns(context.getStateStore(StoreNames.CAMPAIGNS), campaignChanges);
        this.counters = context.getStateStore(StoreNames.CAP_COUNTERS);
        this.holds = context.getStateStore(StoreNames.CONVERSION_CAPS);
        this.cancelledBeforeHolds = context.getStateStore(StoreNames.CAPPED_CONVERSIONS);
    }

    @Override
    public void process(Record<String, ConversionCandidate> record) {
        ConversionCandidate candidate = record.value();
        AttributedConversion conversion = candidate.getConversion();
        Campaign campaign = campaigns.get(conversion.getCampaignId());
        Optional<Goal> goal = campaign == null ? Optional.empty() : campaign.getGoals().stream()
                .filter(g -> g.getGoalId().equals(conversion.getGoalId())).findFirst();
        // Without a cap now (removed, or the goal is gone) there is nothing to count against, but a
        // conversion the caps decided before keeps its effective status and gives its slot back.
        Optional<Periods> caps = goal.filter(CapProcessor::capped)
                .map(capped -> new Periods(campaign, capped, conversion.getConvertedAt()));
        Outcome outcome = conversion.getPreviousStatus() != null ? updated(candidate, caps)
                : caps.map(periods -> created(conversion, periods)).orElseGet(() -> new Outcome.Attributed(conversion));
        context.forward(record.withValue(outcome));
    }

    static boolean capped(Goal goal) {
        return goal.getDailyCap() != null || goal.getMonthlyCap() != null;
    }

    private Outcome created(AttributedConversion conversion, Periods periods) {
        if (!holdsSlot(conversion.getStatus())) {
            return new Outcome.Attributed(conversion);
        }
        if (periods.full().isPresent()) {
            keep(conversion, ConversionStatus.CANCELLED, List.of(), false);
            return new Outcome.Attributed(AttributedConversion.newBuilder(conversion)
                    .setStatus(ConversionStatus.CANCELLED).setStatusReason(RejectionReason.CAP_REACHED).build());
        }
        keep(conversion, conversion.getStatus(), periods.take(), false);
        return new Outcome.Attributed(conversion);
    }

    private Outcome updated(ConversionCandidate candidate, Optional<Periods> caps) {
        AttributedConversion conversion = candidate.getConversion();
        long filedAt = conversion.getClickedAt().toEpochMilli();
        CapHold hold = holds.fetch(conversion.getConversionId(), filedAt);
        if (hold == null && cancelledBeforeHolds.fetch(conversion.getConversionId(), filedAt) != null) {
            // Cancelled by a cap before conversions kept their effective status: it was never emitted as one.
            return rejected(candidate, RejectionReason.CAP_REACHED,
                    "conversion " + conversion.getConversionId() + " was cancelled by a cap");
        }
        // Without a hold the caps never changed the conversion's status, nor know of a slot it holds.
        ConversionStatus effective = hold == null ? conversion.getPreviousStatus() : hold.getEffectiveStatus();
        List<CapSlot> slot = hold == null ? List.of() : hold.getSlot();
        ConversionStatus requested = conversion.getStatus();
        if (requested == effective) {
            return rejected(candidate, RejectionReason.DUPLICATE_TXN,
                    "txn_id " + conversion.getTxnId() + " already has status " + effective);
        }
        if (holdsSlot(requested) && !holdsSlot(effective) && caps.isPresent()) {
            Optional<String> full = caps.get().full();
            if (full.isPresent()) {
                // The ledger took the advertiser's word: remember that the conversion's status is still the old one.
                keep(conversion, effective, slot, hold != null);
                return rejected(candidate, RejectionReason.CAP_REACHED, "status " + requested + " refused: "
                        + full.get() + "; conversion " + conversion.getConversionId() + " stays " + effective);
            }
            slot = caps.get().take();
        } else if (!holdsSlot(requested) && holdsSlot(effective)) {
            slot.forEach(this::giveBack);
            slot = List.of();
        }
        keep(conversion, requested, slot, hold != null);
        return new Outcome.Attributed(AttributedConversion.newBuilder(conversion)
                .setPreviousStatus(effective).setStatusReason(null).build());
    }

    /**
     * Remembers what the caps did to a conversion, or forgets it once they did nothing: its status
     * is the advertiser's and it holds no slot.
     */
    private void keep(AttributedConversion conversion, ConversionStatus effective, List<CapSlot> slot, boolean known) {
        boolean nothingToKeep = effective == conversion.getStatus() && slot.isEmpty();
        if (nothingToKeep && !known) {
            return;
        }
        holds.put(conversion.getConversionId(), nothingToKeep ? null : new CapHold(effective, slot),
                conversion.getClickedAt().toEpochMilli());
    }

    private void giveBack(CapSlot slot) {
        long start = slot.getPeriodStart().toEpochMilli();
        Long count = counters.fetch(slot.getCounter(), start);
        // An expired period has nothing left to give back to.
        if (count != null && count > 0) {
            counters.put(slot.getCounter(), count - 1, start);
        }
    }

    private static boolean holdsSlot(ConversionStatus status) {
        return status == ConversionStatus.APPROVED || status == ConversionStatus.PENDING;
    }

    private static Outcome rejected(ConversionCandidate candidate, RejectionReason reason, String detail) {
        AttributedConversion conversion = candidate.getConversion();
        return Outcome.Rejected.of(candidate.getPostback(), reason, detail, conversion.getCampaignId(),
                conversion.getGoalId(), conversion.getAffiliateId(), conversion.getConvertedAt());
    }

    /** The day and month of a goal's caps that contain one instant, in the campaign's zone. */
    private final class Periods {
        private final Goal goal;
        private final LocalDate day;
        private final YearMonth month;
        private final CapSlot daily;
        private final CapSlot monthly;

        Periods(Campaign campaign, Goal goal, Instant at) {
            this.goal = goal;
            ZoneId zone = zone(campaign);
            String goalKey = campaign.getCampaignId() + '\u0000' + goal.getGoalId() + '\u0000';
            this.day = LocalDate.ofInstant(at, zone);
            this.month = YearMonth.from(day);
            this.daily = new CapSlot(goalKey + day, day.atStartOfDay(zone).toInstant());
            this.monthly = new CapSlot(goalKey + month, month.atDay(1).atStartOfDay(zone).toInstant());
        }

        /** Which cap has no room left, if any. */
        Optional<String> full() {
            Integer dailyCap = goal.getDailyCap();
            Integer monthlyCap = goal.getMonthlyCap();
            if (dailyCap != null && count(daily) >= dailyCap) {
                return Optional.of("daily cap of " + dailyCap + " reached for goal " + goal.getGoalId() + " on " + day);
            }
            if (monthlyCap != null && count(monthly) >= monthlyCap) {
                return Optional.of("monthly cap of " + monthlyCap + " reached for goal " + goal.getGoalId()
                        + " in " + month);
            }
            return Optional.empty();
        }

        /** Counts one more conversion in the day and the month; returns where it was counted. */
        List<CapSlot> take() {
            for (CapSlot period : List.of(daily, monthly)) {
                counters.put(period.getCounter(), count(period) + 1, period.getPeriodStart().toEpochMilli());
            }
            return List.of(daily, monthly);
        }

        private long count(CapSlot period) {
            Long count = counters.fetch(period.getCounter(), period.getPeriodStart().toEpochMilli());
            return count == null ? 0 : count;
        }
    }

    private static ZoneId zone(Campaign campaign) {
        try {
            return ZoneId.of(campaign.getTimeZone());
        } catch (DateTimeException e) {
            // An admin typo must not stop attribution; caps then reset at midnight UTC.
            return ZoneOffset.UTC;
        }
    }
}
