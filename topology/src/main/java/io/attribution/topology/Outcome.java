package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.RejectedPostback;

/** What became of one postback: exactly one of the two. */
sealed interface Outcome {

    /** The output record's key: the click the postback named. */
    String key();

    record Attributed(AttributedConversion conversion) implements Outcome {
        @Override
        public String key() {
            return conversion.getClickId();
        }
    }

    record Rejected(RejectedPostback rejection) implements Outcome {
        @Override
        public String key() {
            return rejection.getClickId();
        }
    }
}
