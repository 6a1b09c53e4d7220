package io.attribution.topology;

/**
 * A click or postback dated where no store may file it. Thrown before any state is touched, so
 * the processing exception handler writes the record, as read, to the dead-letter topic with this
 * message as its reason, and processing goes on.
 */
final class EventTimeOutOfBounds extends RuntimeException {

    EventTimeOutOfBounds(String reason) {
        // A reason for a dead letter, not a bug: no stack trace to fill in or log.
        super(reason, null, false, false);
    }
}
