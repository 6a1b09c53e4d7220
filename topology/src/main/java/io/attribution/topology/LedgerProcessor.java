package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies {@link LedgerRules} under the record's key and keeps the ledger: a click's
 * ({@link #ofClicks}) or an advertiser's txn id ({@link #ofAdvertiserTxns}). What it accepts goes
 * on as Attributed, or as a Candidate when the goal has caps that still have to be checked.
 */
final class LedgerProcessor implements Processor<String, ConversionCandidate, String, Outcome> {

    /** One of the two ledgers' rules. */
    private interface Rules {
        LedgerRules.Decision decide(ConversionLedger ledger, ConversionCandidate candidate,
                                    Function<String, Campaign> campaigns);
    }

    private final String storeName;
    private final Function<ConversionCandidate, Instant> anchor;
    private final boolean anchorKnown;
    private final Rules rules;
    private final CampaignChanges campaignChanges;
    private ProcessorContext<String, Outcome> context;
    private WindowStore<String, ConversionLedger> ledgers;
    private DecodedCampaigns campaigns;

    /**
     * @param anchor      when a new ledger is filed: it expires with the store's retention after that
     * @param anchorKnown whether every candidate of a key has the same anchor, so that an existing
     *                    ledger is most likely filed at the candidate's own (a ledger is refiled
     *                    where it was found, and a new one filed only when none was found)
     */
    private LedgerProcessor(String storeName, Function<ConversionCandidate, Instant> anchor, boolean anchorKnown,
                            Rules rules, CampaignChanges campaignChanges) {
        this.storeName = storeName;
        this.anchor = anchor;
        this.anchorKnown = anchorKnown;
        this.rules = rules;
        this.campaignChanges = campaignChanges;
    }

    /** Keyed by click_id; filed at click time, so it leaves with its click. */
    static LedgerProcessor ofClicks(StateBounds bounds, CampaignChanges campaignChanges) {
        return new LedgerProcessor(StoreNames.CLICK_LEDGER, c -> c.getConversion().getClickedAt(), true,
                new LedgerRules(bounds)::onClick, campaignChanges);
    }

    /** Keyed by advertiser_id NUL txn_id; filed when its first candidate came, which a later one does not know. */
    static LedgerProcessor ofAdvertiserTxns(StateBounds bounds, CampaignChanges campaignChanges) {
        return new LedgerProcessor(StoreNames.UNIQUE_TXN_LEDGER, c -> c.getConversion().getConvertedAt(), false,
                new LedgerRules(bounds)::onAdvertiserTxn, campaignChanges);
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.ledgers = context.getStateStore(storeName);
        this.campaigns = new DecodedCampaigns(context.getStateStore(StoreNames.CAMPAIGNS), campaignChanges);
    }

    @Override
    public void process(Record<String, ConversionCandidate> record) {
        ConversionCandidate candidate = record.value();
        Optional<KeyValue<Long, ConversionLedger>> found = anchorKnown
                ? WindowedStores.latest(ledgers, record.key(), anchor.apply(candidate).toEpochMilli())
                : WindowedStores.latest(ledgers, record.key());
        ConversionLedger ledger = found.map(filed -> filed.value)
                .orElseGet(() -> ConversionLedger.newBuilder().setAnchor(anchor.apply(candidate))
                        .setRecorded(List.of()).setFingerprints(List.of()).setAdvertiserTxns(List.of())
                        .setThroughCaps(List.of()).build());
        LedgerRules.Decision decision = rules.decide(ledger, candidate, campaigns::get);
        decision.ledger().ifPresent(updated ->
                ledgers.put(record.key(), updated, updated.getAnchor().toEpochMilli()));
        context.forward(record.withValue(decision.outcome()));
    }
}
