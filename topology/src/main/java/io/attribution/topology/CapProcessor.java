package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Daily and monthly conversion caps per goal, in the campaign's time zone. Its input is keyed by
 * campaign and goal, so one task sees every conversion of a goal: the cap holds across partitions
 * and instances. Approved and pending conversions count; a conversion over a cap is cancelled
 * (CAP_REACHED), and its later status updates stay cancelled.
 */
final class CapProcessor implements Processor<String, ConversionCandidate, String, Outcome> {

    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<String, Campaign> campaigns;
    private WindowStore<String, Long> counters;
    private WindowStore<String, Long> capped;

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
        this.counters = context.getStateStore(StoreNames.CAP_COUNTERS);
        this.capped = context.getStateStore(StoreNames.CAPPED_CONVERSIONS);
    }

    @Override
    public void process(Record<String, ConversionCandidate> record) {
        ConversionCandidate candidate = record.value();
        AttributedConversion conversion = candidate.getConversion();
        Outcome outcome;
        if (conversion.getPreviousStatus() != null) {
            outcome = WindowedStores.latest(capped, conversion.getConversionId()).isPresent()
                    ? cancelled(candidate, "conversion " + conversion.getConversionId() + " was cancelled by a cap")
                    : new Outcome.Attributed(conversion);
        } else {
            outcome = count(candidate);
        }
        context.forward(record.withValue(outcome));
    }

    private Outcome count(ConversionCandidate candidate) {
        AttributedConversion conversion = candidate.getConversion();
        Campaign campaign = campaigns.get(conversion.getCampaignId());
        Optional<Goal> goal = campaign == null ? Optional.empty() : campaign.getGoals().stream()
                .filter(g -> g.getGoalId().equals(conversion.getGoalId())).findFirst();
        boolean counts = conversion.getStatus() == ConversionStatus.APPROVED
                || conversion.getStatus() == ConversionStatus.PENDING;
        if (goal.isEmpty() || !counts) {
            return new Outcome.Attributed(conversion);
        }
        ZoneId zone = zone(campaign);
        String goalKey = conversion.getCampaignId() + '\u0000' + conversion.getGoalId() + '\u0000';
        LocalDate day = LocalDate.ofInstant(conversion.getConvertedAt(), zone);
        YearMonth month = YearMonth.from(day);
        Counter daily = new Counter(goalKey + day, day.atStartOfDay(zone).toInstant());
        Counter monthly = new Counter(goalKey + month, month.atDay(1).atStartOfDay(zone).toInstant());

        Integer dailyCap = goal.get().getDailyCap();
        Integer monthlyCap = goal.get().getMonthlyCap();
        if (dailyCap != null && daily.value() >= dailyCap) {
            return cap(candidate, "daily cap of " + dailyCap + " reached for goal " + conversion.getGoalId() + " on " + day);
        }
        if (monthlyCap != null && monthly.value() >= monthlyCap) {
            return cap(candidate, "monthly cap of " + monthlyCap + " reached for goal " + conversion.getGoalId()
                    + " in " + month);
        }
        daily.increment();
        monthly.increment();
        return new Outcome.Attributed(conversion);
    }

    private Outcome cap(ConversionCandidate candidate, String detail) {
        AttributedConversion conversion = candidate.getConversion();
        capped.put(conversion.getConversionId(), conversion.getConvertedAt().toEpochMilli(),
                conversion.getClickedAt().toEpochMilli());
        return cancelled(candidate, detail);
    }

    private static Outcome cancelled(ConversionCandidate candidate, String detail) {
        AttributedConversion conversion = candidate.getConversion();
        return Outcome.Rejected.of(candidate.getPostback(), RejectionReason.CAP_REACHED, "conversion cancelled: " + detail,
                conversion.getCampaignId(), conversion.getGoalId(), conversion.getAffiliateId(), conversion.getConvertedAt());
    }

    private static ZoneId zone(Campaign campaign) {
        try {
            return ZoneId.of(campaign.getTimeZone());
        } catch (DateTimeException e) {
            // An admin typo must not stop attribution; caps then reset at midnight UTC.
            return ZoneOffset.UTC;
        }
    }

    /** One cap period's count, filed under the period's start so it expires with the store. */
    private final class Counter {
        private final String key;
        private final long periodStart;

        Counter(String key, Instant periodStart) {
            this.key = key;
            this.periodStart = periodStart.toEpochMilli();
        }

        long value() {
            Long count = counters.fetch(key, periodStart);
            return count == null ? 0 : count;
        }

        void increment() {
            counters.put(key, value() + 1, periodStart);
        }
    }
}
