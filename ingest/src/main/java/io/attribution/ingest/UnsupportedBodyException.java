package io.attribution.ingest;

/** A body ingest cannot read as postback parameters (413 for its size, 415 for its media type, 400 for its syntax). */
final class UnsupportedBodyException extends Exception {

    private final int status;

    UnsupportedBodyException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
