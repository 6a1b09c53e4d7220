package io.attribution.query.endpoints;

/** A complete answer says the thing asked about does not exist (an unknown click id...): answered 404. */
public final class NotFound extends Exception {

    public NotFound(String message) {
        super(message, null, false, false);
    }
}
