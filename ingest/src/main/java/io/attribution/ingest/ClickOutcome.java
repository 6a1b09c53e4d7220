package io.attribution.ingest;

import java.util.Locale;

/**
 * What an answer of {@code /click} means, read from its HTTP status alone, as {@link RequestOutcome}
 * reads a postback's: the status is known for every answer, also those Jetty gives itself.
 */
enum ClickOutcome {
    /** 302 to the landing URL: the click was stored (or handed to the producer, without waiting). */
    REDIRECTED,
    /** 404: no such campaign. */
    UNKNOWN_CAMPAIGN,
    /** 410: the campaign is paused. */
    CAMPAIGN_PAUSED,
    /** 409: the campaign has no landing URL for the affiliate. */
    NO_LANDING_URL,
    /** Any other 4xx but 429: a missing or malformed parameter, a URI too long... */
    INVALID,
    /** Over the per-client rate (429). */
    RATE_LIMITED,
    /** Kafka, the registry or the campaign catalog could not be relied on, or every request slot was busy (503). */
    UNAVAILABLE,
    /** Any other answer: a bug, or the client left before one was written. */
    ERROR;

    static ClickOutcome of(int status) {
        return switch (status) {
            case 302 -> REDIRECTED;
            case 404 -> UNKNOWN_CAMPAIGN;
            case 410 -> CAMPAIGN_PAUSED;
            case 409 -> NO_LANDING_URL;
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
