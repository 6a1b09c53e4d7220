package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RejectionReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The multi-conversion rules over one ledger (a click's conversions, or an advertiser's txn id):
 * identical resends, txn ids, status updates and the per-click modes. Pure: the caller stores the
 * ledger it gets back.
 *
 * <ul>
 *   <li>An identical resend never counts again, in any mode: DUPLICATE_CONVERSION.</li>
 *   <li>A txn id already converted in this ledger (any goal): with a new status it is a status
 *       update of that conversion (emitted with previous_status, keeping its goal and money); with
 *       the same status, DUPLICATE_TXN. Under UNIQUE_TXN the ledger is the advertiser's, so this
 *       holds across clicks.</li>
 *   <li>A postback the rules could not take as a new conversion (paused, expired, unknown goal,
 *       no amount...) but that carries a txn id is rejected for that reason when it updates nothing.</li>
 *   <li>ONE_PER_CLICK: one conversion per click and goal, else DUPLICATE_CONVERSION.</li>
 *   <li>ALLOW_UNIQUE_TXN and UNIQUE_TXN: a postback without txn id counts once per click and goal.</li>
 *   <li>ALLOW: anything else counts.</li>
 * </ul>
 */
final class LedgerRules {

    /** What became of the candidate, and the ledger to store (empty: leave it as it was). */
    record Decision(Outcome outcome, Optional<ConversionLedger> ledger) {
    }

    private LedgerRules() {
    }

    static Decision decide(ConversionLedger ledger, ConversionCandidate candidate) {
        AttributedConversion conversion = candidate.getConversion();
        if (ledger.getFingerprints().contains(candidate.getFingerprint())) {
            return rejected(candidate, RejectionReason.DUPLICATE_CONVERSION, "identical postback already received");
        }
        MultiConversionMode mode = candidate.getMultiConversion();
        if (conversion.getTxnId() != null) {
            Optional<AttributedConversion> sameTxn = ledger.getRecorded().stream()
                    .filter(recorded -> conversion.getTxnId().equals(recorded.getTxnId()))
                    .reduce((first, later) -> later);
            if (sameTxn.isPresent()) {
                return statusUpdate(ledger, candidate, sameTxn.get());
            }
        }
        if (candidate.getNewConversionRejection() != null) {
            return rejected(candidate, candidate.getNewConversionRejection(), candidate.getNewConversionRejectionDetail());
        }
        boolean goalAlreadyConverted = ledger.getRecorded().stream()
                .anyMatch(recorded -> recorded.getGoalId().equals(conversion.getGoalId()));
        boolean oncePerGoal = mode == MultiConversionMode.ONE_PER_CLICK
                || (conversion.getTxnId() == null && mode != MultiConversionMode.ALLOW);
        if (oncePerGoal && goalAlreadyConverted) {
            return rejected(candidate, RejectionReason.DUPLICATE_CONVERSION, mode == MultiConversionMode.ONE_PER_CLICK
                    ? "click already converted goal " + conversion.getGoalId()
                    : "click already converted goal " + conversion.getGoalId() + " and the postback has no txn_id");
        }
        return new Decision(new Outcome.Candidate(candidate), Optional.of(record(ledger, candidate, conversion)));
    }

    private static Decision statusUpdate(ConversionLedger ledger, ConversionCandidate candidate,
                                         AttributedConversion existing) {
        AttributedConversion update = candidate.getConversion();
        if (Objects.equals(existing.getStatus(), update.getStatus())) {
            return rejected(candidate, RejectionReason.DUPLICATE_TXN,
                    "txn_id " + update.getTxnId() + " already converted with status " + existing.getStatus());
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
        return new Decision(new Outcome.Candidate(updateCandidate), Optional.of(ConversionLedger.newBuilder(ledger)
                .setRecorded(recorded)
                .setFingerprints(append(ledger.getFingerprints(), candidate.getFingerprint()))
                .build()));
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
                goalId, conversion.getAffiliateId(), conversion.getConvertedAt()), Optional.empty());
    }
}
