package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import io.attribution.avro.Goal;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Applies {@link LedgerRules} under the record's key and keeps the ledger. What it accepts goes
 * on as Attributed, or as a Candidate when the goal has caps that still have to be checked.
 */
final class LedgerProcessor implements Processor<String, ConversionCandidate, String, Outcome> {

    private final String storeName;
    private final Function<ConversionCandidate, Instant> anchor;
    private ProcessorContext<String, Outcome> context;
    private WindowStore<String, ConversionLedger> ledgers;
    private KeyValueStore<String, Campaign> campaigns;

    /**
     * @param anchor when a new ledger is filed: it expires with the store's retention after that
     */
    LedgerProcessor(String storeName, Function<ConversionCandidate, Instant> anchor) {
        this.storeName = storeName;
        this.anchor = anchor;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.ledgers = context.getStateStore(storeName);
        this.campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
    }

    @Override
    public void process(Record<String, ConversionCandidate> record) {
        ConversionCandidate candidate = record.value();
        ConversionLedger ledger = WindowedStores.latest(ledgers, record.key()).map(found -> found.value)
                .orElseGet(() -> ConversionLedger.newBuilder().setAnchor(anchor.apply(candidate))
                        .setRecorded(List.of()).setFingerprints(List.of()).build());
        LedgerRules.Decision decision = LedgerRules.decide(ledger, candidate);
        decision.ledger().ifPresent(updated ->
                ledgers.put(record.key(), updated, updated.getAnchor().toEpochMilli()));
        Outcome outcome = decision.outcome();
        if (outcome instanceof Outcome.Candidate accepted && !hasCaps(accepted.conversion())) {
            outcome = new Outcome.Attributed(accepted.conversion());
        }
        context.forward(record.withValue(outcome));
    }

    private boolean hasCaps(AttributedConversion conversion) {
        Campaign campaign = campaigns.get(conversion.getCampaignId());
        if (campaign == null) {
            return false;
        }
        return campaign.getGoals().stream()
                .filter(goal -> goal.getGoalId().equals(conversion.getGoalId()))
                .anyMatch(LedgerProcessor::capped);
    }

    static boolean capped(Goal goal) {
        return goal.getDailyCap() != null || goal.getMonthlyCap() != null;
    }
}
