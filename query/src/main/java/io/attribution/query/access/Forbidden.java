package io.attribution.query.access;

/** The token is good, but its scope does not cover what it asks about: answered 403. */
public final class Forbidden extends Exception {

    public Forbidden(String message) {
        super(message, null, false, false);
    }
}
