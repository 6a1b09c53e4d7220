package io.attribution.admin;

/**
 * The admin API cannot vouch for what it would answer: its copy of the campaigns topic is not
 * current ({@code CATALOG_NOT_CURRENT}), or a write was stored but did not show up in that copy in
 * time ({@code NOT_VISIBLE}). Answered with a 503: the client retries (PUT is idempotent).
 */
public final class CatalogUnavailableException extends RuntimeException {

    private final String error;

    CatalogUnavailableException(String error, String message) {
        super(message);
        this.error = error;
    }

    /** {@code CATALOG_NOT_CURRENT} or {@code NOT_VISIBLE}. */
    public String error() {
        return error;
    }
}
