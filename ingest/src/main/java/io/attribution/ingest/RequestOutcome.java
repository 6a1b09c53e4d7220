package io.attribution.ingest;

import java.util.Locale;

/**
 * What an answer of the edge means for the advertiser, read from its HTTP status alone: the status
 * is known for every answer, also those Jetty gives before a request reaches the servlet.
 */
enum RequestOutcome {
    /** Stored: Kafka acknowledged the record. */
    ACCEPTED,
    /** Stored for the record but refused: wrong token or signature (401), address not allowed (403). */
    REFUSED,
    /**
     * The request is at fault: 400, 413, 414, 415, 431, 404... Never attributed; 400, 413 and 415 are
     * recorded for the postback log within a budget.
     */
    INVALID,
    /** Over the per-client rate (429). */
    RATE_LIMITED,
    /** Kafka or the registry could not take it in time, or every request slot was busy (503). */
    UNAVAILABLE,
    /** Any other answer: a bug, or the client left before one was written. */
    ERROR;

    static RequestOutcome of(int status) {
        if (status >= 200 && status < 300) {
            return ACCEPTED;
        }
        return switch (status) {
            case 401, 403 -> REFUSED;
            case 429 -> RATE_LIMITED;
            case 503 -> UNAVAILABLE;
            default -> status >= 400 && status < 500 ? INVALID : ERROR;
        };
    }

    /** The {@code outcome} label value. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
