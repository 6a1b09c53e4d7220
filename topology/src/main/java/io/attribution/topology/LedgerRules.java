package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RejectionReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The multi-conversion rules over one ledger (a click's conversions, or an advertiser's txn id):
 * identical resends, txn ids, status updates and the per-click modes. Pure: the caller stores the
 * ledger it gets back.
 *
 * <ul>
 *   <li>An identical resend never counts again, in any mode: DUPLICATE_CONVERSION.</li>
 *   <li>A txn id's scope is fixed when its conversion is created: the advertiser's (UNIQUE_TXN,
 *       in the advertiser's ledger, which the click's ledger points to) or the click's (any other
 *       mode, in the click's ledger).</li>
 *   <li>A txn id already converted in its ledger (any goal): with a new status it is a status
 *       update of that conversion (emitted with previous_status, keeping its goal and money); with
 *       the same status, DUPLICATE_TXN. This holds whatever goal or mode the update names, and
 *       whatever state the campaign is in now.</li>
 *   <li>A postback the rules could not take as a new conversion (paused, expired, unknown goal,
 *       no amount...) but that carries a txn id is rejected for that reason when it updates nothing.</li>
 *   <li>ONE_PER_CLICK: one conversion per click and goal, else DUPLICATE_CONVERSION.</li>
 *   <li>ALLOW_UNIQUE_TXN and UNIQUE_TXN: a postback without txn id counts once per click and goal.</li>
 *   <li>ALLOW: anything else counts.</li>
 *   <li>Past the {@link StateBounds} (conversions of a click, postbacks a ledger remembers):
 *       LIMIT_EXCEEDED, and the ledger stays as it was.</li>
 * </ul>
 * What the caps decide goes on as a Candidate: conversions of a goal with a cap, and every later
 * status of a conversion the caps decided once, since they keep its effective status and slot.
 */
final class LedgerRules {

    private static final char SEPARATOR = '\u0000';

    /** What became of the candidate, and the ledger to store (empty: leave it as it was). */
    record Decision(Outcome outcome, Optional<ConversionLedger> ledger) {
    }

    private final StateBounds bounds;

    LedgerRules(StateBounds bounds) {
        this.bounds = bounds;
    }

    /**
     * A click's ledger: decides the per-click txn ids and postbacks, and sends on to the advertiser's
     * ledger the txn ids that live there (or may: a status update from another click).
     *
     * @param campaigns campaigns as they are now, by id (null: unknown)
     */
    Decision onClick(ConversionLedger ledger, ConversionCandidate candidate, Function<String, Campaign> campaigns) {
        AttributedConversion conversion = candidate.getConversion();
        if (ledger.getFingerprints().contains(candidate.getFingerprint())) {
            return rejected(candidate, RejectionReason.DUPLICATE_CONVERSION, "identical postback already received");
        }
        String holder = "click " + conversion.getClickId();
        String txnId = conversion.getTxnId();
        if (txnId == null) {
            return newConversion(ledger, candidate, campaigns, holder);
        }
        Optional<AttributedConversion> sameTxn = sameTxn(ledger, txnId);
        if (sameTxn.isPresent()) {
            return statusUpdate(ledger, candidate, sameTxn.get(), campaigns, holder);
        }
        Optional<String> pointer = ledger.getAdvertiserTxns().stream()
                .filter(key -> key.substring(key.lastIndexOf(SEPARATOR) + 1).equals(txnId)).findFirst();
        if (pointer.isPresent()) {
            return toAdvertiserLedger(candidate, pointer.get(), Optional.empty());
        }
        String key = advertiserTxnKey(conversion);
        boolean creatable = candidate.getNewConversionRejection() == null;
        if (creatable && candidate.getMultiConversion() == MultiConversionMode.UNIQUE_TXN) {
            Optional<String> full = conversionsFull(ledger, holder);
            if (full.isPresent()) {
                return rejected(candidate, RejectionReason.LIMIT_EXCEEDED, full.get());
            }
            // Whatever that ledger decides (new, update, duplicate), the txn id is the advertiser's from now on.
            return toAdvertiserLedger(candidate, key, Optional.of(ConversionLedger.newBuilder(ledger)
                    .setAdvertiserTxns(append(ledger.getAdvertiserTxns(), key)).build()));
        }
        if (!creatable && hasAdvertiserScope(campaigns.apply(conversion.getCampaignId()))) {
            // A status update from another click of a UNIQUE_TXN order, or of nothing: that ledger knows.
            return toAdvertiserLedger(candidate, key, Optional.empty());
        }
        return newConversion(ledger, candidate, campaigns, holder);
    }

    /**
     * An advertiser's ledger of one txn id (UNIQUE_TXN): the candidates the clicks' ledgers sent on.
     *
     * @param campaigns campaigns as they are now, by id (null: unknown)
     */
    Decision onAdvertiserTxn(ConversionLedger ledger, ConversionCandidate candidate,
                             Function<String, Campaign> campaigns) {
        if (ledger.getFingerprints().contains(candidate.getFingerprint())) {
            return rejected(candidate, RejectionReason.DUPLICATE_CONVERSION, "identical postback already received");
        }
        AttributedConversion conversion = candidate.getConversion();
        String holder = "txn_id " + conversion.getTxnId() + " of advertiser " + conversion.getAdvertiserId();
        Optional<AttributedConversion> sameTxn = sameTxn(ledger, conversion.getTxnId());
        if (sameTxn.isPresent()) {
            return statusUpdate(ledger, candidate, sameTxn.get(), campaigns, holder);
        }
        return newConversion(ledger, candidate, campaigns, holder);
    }

    /**
     * The key of an advertiser's ledger: a txn id counts once per advertiser across clicks. Test
     * conversions (the tester's clicks) keep their txn ids in ledgers of their own, keyed with a
     * leading NUL no advertiser id has: a test postback must neither take a real order's txn id
     * (the real one would be rejected as a duplicate) nor change a real conversion's status.
     */
    private static String advertiserTxnKey(AttributedConversion conversion) {
        String key = conversion.getAdvertiserId() + SEPARATOR + conversion.getTxnId();
        return conversion.getTest() ? SEPARATOR + key : key;
    }

    /** Whether a txn id of this campaign may live in its advertiser's ledger: UNIQUE_TXN anywhere in it. */
    private static boolean hasAdvertiserScope(Campaign campaign) {
        return campaign != null && (campaign.getMultiConversion() == MultiConversionMode.UNIQUE_TXN || campaign.getGoals()
                .stream().anyMatch(goal -> goal.getMultiConversion() == MultiConversionMode.UNIQUE_TXN));
    }

    private static Optional<AttributedConversion> sameTxn(ConversionLedger ledger, String txnId) {
        if (txnId == null) {
            return Optional.empty();
        }
        return ledger.getRecorded().stream()
                .filter(recorded -> txnId.equals(recorded.getTxnId()))
                .reduce((first, later) -> later);
    }

    private Decision newConversion(ConversionLedger ledger, ConversionCandidate candidate,
                                   Function<String, Campaign> campaigns, String holder) {
        AttributedConversion conversion = candidate.getConversion();
        if (candidate.getNewConversionRejection() != null) {
            return rejected(candidate, candidate.getNewConversionRejection(), candidate.getNewConversionRejectionDetail());
        }
        MultiConversionMode mode = candidate.getMultiConversion();
        boolean goalAlreadyConverted = ledger.getRecorded().stream()
                .anyMatch(recorded -> recorded.getGoalId().equals(conversion.getGoalId()));
        boolean oncePerGoal = mode == MultiConversionMode.ONE_PER_CLICK
                || (conversion.getTxnId() == null && mode != MultiConversionMode.ALLOW);
        if (oncePerGoal && goalAlreadyConverted) {
            return rejected(candidate, RejectionReason.DUPLICATE_CONVERSION, mode == MultiConversionMode.ONE_PER_CLICK
                    ? "click already converted goal " + conversion.getGoalId()
                    : "click already converted goal " + conversion.getGoalId() + " and the postback has no txn_id");
        }
        Optional<String> full = postbacksFull(ledger, holder).or(() -> conversionsFull(ledger, holder))
                .or(() -> bytesFull(ledger, conversion, holder));
        if (full.isPresent()) {
            return rejected(candidate, RejectionReason.LIMIT_EXCEEDED, full.get());
        }
        ConversionLedger recorded = record(ledger, candidate, conversion);
        boolean throughCaps = throughCaps(ledger, conversion, campaigns);
        return new Decision(accepted(candidate, throughCaps), Optional.of(throughCaps ? markThroughCaps(recorded,
                conversion) : recorded));
    }

    private Decision statusUpdate(ConversionLedger ledger, ConversionCandidate candidate,
                                  AttributedConversion existing, Function<String, Campaign> campaigns, String holder) {
        AttributedConversion update = candidate.getConversion();
        boolean throughCaps = throughCaps(ledger, existing, campaigns);
        // A cap may have given the conversion another status than the advertiser's: the caps decide.
        if (Objects.equals(existing.getStatus(), update.getStatus()) && !throughCaps) {
            return rejected(candidate, RejectionReason.DUPLICATE_TXN,
                    "txn_id " + update.getTxnId() + " already converted with status " + existing.getStatus());
        }
        Optional<String> full = postbacksFull(ledger, holder);
        if (full.isPresent()) {
            return rejected(candidate, RejectionReason.LIMIT_EXCEEDED, full.get());
        }
        // The conversion keeps its identity and amounts; only its status moves.
        AttributedConversion updated = AttributedConversion.newBuilder(existing)
                .setRequestId(update.getRequestId())
                .setStatus(update.getStatus())
                .setPreviousStatus(existing.getStatus())
                .setConvertedAt(update.getConvertedAt())
                .build();
        ConversionCandidate updateCandidate = ConversionCandidate.newBuilder(candidate).setConversion(updated)
                .setNewConversionRejection(null).setNewConversionRejectionDetail(null).build();
        List<AttributedConversion> recorded = new ArrayList<>(ledger.getRecorded());
        recorded.replaceAll(r -> r.getConversionId().equals(existing.getConversionId()) ? updated : r);
        ConversionLedger changed = ConversionLedger.newBuilder(ledger)
                .setRecorded(recorded)
                .setFingerprints(append(ledger.getFingerprints(), candidate.getFingerprint()))
                .build();
        return new Decision(accepted(updateCandidate, throughCaps),
                Optional.of(throughCaps ? markThroughCaps(changed, existing) : changed));
    }

    /** Fingerprints are never dropped (a forgotten postback could count again): past the bound, no more postbacks. */
    private Optional<String> postbacksFull(ConversionLedger ledger, String holder) {
        int postbacks = ledger.getFingerprints().size();
        return postbacks < bounds.postbacksPerLedger() ? Optional.empty() : Optional.of(holder + " already took "
                + postbacks + " postbacks, the most one ledger remembers");
    }

    private Optional<String> conversionsFull(ConversionLedger ledger, String holder) {
        int conversions = ledger.getRecorded().size() + ledger.getAdvertiserTxns().size();
        return conversions < bounds.conversionsPerKey() ? Optional.empty() : Optional.of(holder + " already holds "
                + conversions + " conversions, the most one may hold");
    }

    private Optional<String> bytesFull(ConversionLedger ledger, AttributedConversion conversion, String holder) {
        int bytes = StateSize.of(conversion);
        for (AttributedConversion recorded : ledger.getRecorded()) {
            bytes += StateSize.of(recorded);
        }
        return bytes <= bounds.conversionBytesPerKey() ? Optional.empty() : Optional.of("the conversions of " + holder
                + " would take about " + bytes + " bytes, more than the " + bounds.conversionBytesPerKey()
                + " one may hold");
    }

    /**
     * Whether the caps decide the conversion's status: its goal has a cap now, or had one when the
     * caps last decided it (they keep its effective status and slot).
     */
    private static boolean throughCaps(ConversionLedger ledger, AttributedConversion conversion,
                                       Function<String, Campaign> campaigns) {
        if (conversion.getTest()) {
            // A test conversion takes no slot of a real goal's cap, and is never cancelled by one.
            return false;
        }
        return ledger.getThroughCaps().contains(conversion.getConversionId())
                || hasCaps(campaigns.apply(conversion.getCampaignId()), conversion.getGoalId());
    }

    private static ConversionLedger markThroughCaps(ConversionLedger ledger, AttributedConversion conversion) {
        return ledger.getThroughCaps().contains(conversion.getConversionId()) ? ledger
                : ConversionLedger.newBuilder(ledger)
                        .setThroughCaps(append(ledger.getThroughCaps(), conversion.getConversionId())).build();
    }

    /** Attributed, or a Candidate still to pass the caps. */
    private static Outcome accepted(ConversionCandidate candidate, boolean throughCaps) {
        return throughCaps ? new Outcome.Candidate(candidate) : new Outcome.Attributed(candidate.getConversion());
    }

    private static boolean hasCaps(Campaign campaign, String goalId) {
        return campaign != null && campaign.getGoals().stream()
                .filter(goal -> goal.getGoalId().equals(goalId))
                .anyMatch(CapProcessor::capped);
    }

    private static Decision toAdvertiserLedger(ConversionCandidate candidate, String key,
                                               Optional<ConversionLedger> ledger) {
        return new Decision(new Outcome.ToAdvertiserLedger(candidate, key), ledger);
    }

    private static ConversionLedger record(ConversionLedger ledger, ConversionCandidate candidate,
                                           AttributedConversion conversion) {
        List<AttributedConversion> recorded = new ArrayList<>(ledger.getRecorded());
        recorded.add(conversion);
        return ConversionLedger.newBuilder(ledger)
                .setRecorded(recorded)
                .setFingerprints(append(ledger.getFingerprints(), candidate.getFingerprint()))
                .build();
    }

    private static List<String> append(List<String> list, String item) {
        List<String> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }

    private static Decision rejected(ConversionCandidate candidate, RejectionReason reason, String detail) {
        AttributedConversion conversion = candidate.getConversion();
        String goalId = conversion.getGoalId().isEmpty() ? null : conversion.getGoalId();
        return new Decision(Outcome.Rejected.of(candidate.getPostback(), reason, detail, conversion.getCampaignId(),
                goalId, conversion.getAffiliateId(), conversion.getConvertedAt()).test(conversion.getTest()),
                Optional.empty());
    }
}
