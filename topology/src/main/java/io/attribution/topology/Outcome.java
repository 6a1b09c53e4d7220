package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.MisplacedInput;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;

import java.time.Instant;

/**
 * What the topology knows of a postback at one step. The rules turn a postback into a Candidate
 * or a Rejected; the click's ledger turns a Candidate into an Attributed, a Rejected, a Candidate
 * for the caps, or sends it on to its advertiser's ledger (ToAdvertiserLedger), which decides the
 * same way. Every postback ends as exactly one Attributed or Rejected. A click or a postback on the
 * wrong partition is Misplaced first, and read again on the right one.
 */
sealed interface Outcome {

    /** The key of the output topics: the click the postback named. */
    String clickId();

    record Attributed(AttributedConversion conversion) implements Outcome {
        @Override
        public String clickId() {
            return conversion.getClickId();
        }
    }

    record Rejected(RejectedPostback rejection) implements Outcome {

        /**
         * The one RejectedPostback of a postback, carrying the whole raw postback.
         *
         * @param campaignId, goalId, affiliateId what is known of the postback's conversion, else null
         */
        static Rejected of(RawPostback postback, RejectionReason reason, String detail, String campaignId,
                           String goalId, String affiliateId, Instant at) {
            return new Rejected(RejectedPostback.newBuilder()
                    .setRequestId(postback.getRequestId())
                    .setReason(reason)
                    .setDetail(detail)
                    .setClickId(postback.getClickId())
                    .setCampaignId(campaignId)
                    .setGoalId(goalId)
                    .setAffiliateId(affiliateId)
                    .setRejectedAt(at)
                    .setPostback(postback)
                    .build());
        }

        /** Marked test when the postback named a test click (the tester's): kept out of stats. */
        Rejected test(boolean test) {
            return test ? new Rejected(RejectedPostback.newBuilder(rejection).setTest(true).build()) : this;
        }

        @Override
        public String clickId() {
            return rejection.getClickId();
        }
    }

    /** Passed the rules; duplicate and cap checks still to come. */
    record Candidate(ConversionCandidate candidate) implements Outcome {
        @Override
        public String clickId() {
            return candidate.getConversion().getClickId();
        }

        AttributedConversion conversion() {
            return candidate.getConversion();
        }
    }

    /**
     * A candidate whose txn id lives in the advertiser's ledger (UNIQUE_TXN): that ledger decides it.
     *
     * @param ledgerKey advertiser_id NUL txn_id, the key of that ledger
     */
    record ToAdvertiserLedger(ConversionCandidate candidate, String ledgerKey) implements Outcome {
        @Override
        public String clickId() {
            return candidate.getConversion().getClickId();
        }
    }

    /** A click or postback read from another partition than its click id belongs on: it goes round once more. */
    record Misplaced(MisplacedInput input) implements Outcome {
        @Override
        public String clickId() {
            return input.getClick() != null ? input.getClick().getClickId() : input.getPostback().getClickId();
        }
    }
}
