package io.attribution.ingest;

import io.attribution.avro.RawPostback;

/**
 * A request the edge answers with a 4xx because it cannot be read as a postback (missing click_id,
 * a malformed parameter, a body too large or of another type): the answer, and the record that
 * keeps it for the postback log, with {@code edge_rejection} set, if the budget allows.
 */
final class RefusedRequest extends Exception {

    private final int status;
    private final String error;
    private final String field;
    private final transient RawPostback record;

    /**
     * @param error the answer's stable code, e.g. MISSING_CLICK_ID
     * @param field the parameter at fault, or null
     */
    RefusedRequest(int status, String error, String field, String message, RawPostback record) {
        // An answer, not a bug: no stack trace.
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
        this.record = record;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String field() {
        return field;
    }

    RawPostback record() {
        return record;
    }
}
