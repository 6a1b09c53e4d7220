package io.attribution.query.protocol;

/** A request parameter (or protocol header) that cannot be read: answered 400 naming the field. */
public final class BadParameter extends Exception {

    private final String field;

    public BadParameter(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
