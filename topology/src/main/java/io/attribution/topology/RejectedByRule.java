package io.attribution.topology;

import io.attribution.avro.RejectionReason;

/** Thrown by a rule that refuses a postback; becomes a RejectedPostback with this reason. */
final class RejectedByRule extends Exception {

    private final RejectionReason reason;

    RejectedByRule(RejectionReason reason, String detail) {
        // No stack trace: a rejection is an expected answer, and there are many.
        super(detail, null, false, false);
        this.reason = reason;
    }

    RejectionReason reason() {
        return reason;
    }
}
