package io.attribution.admin;

/** A campaign definition that cannot be accepted; names the field at fault, e.g. {@code goals[1].payout}. */
public final class InvalidCampaignException extends RuntimeException {

    private final String field;

    public InvalidCampaignException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
