package io.attribution.campaigns;

import io.apicurio.registry.rest.client.exception.RestClientException;

import java.io.IOException;

/**
 * Tells a registry that did not answer (down, hung, overloaded: the same record reads fine later)
 * from a record nothing will ever read (no such schema, bytes that are not a registry record).
 */
final class RegistryFailures {

    private RegistryFailures() {
    }

    /** True when the failure is the registry's, not the record's: reading it again later may succeed. */
    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RestClientException rest) {
                // The registry client turns a failed connection into an error without an HTTP code.
                Integer code = rest.getError() == null ? null : rest.getError().getErrorCode();
                return code == null || code == 429 || code >= 500;
            }
            if (cause instanceof IOException && isNetwork(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Avro's own EOF and friends are IOExceptions too: only a failed conversation counts. */
    private static boolean isNetwork(Throwable io) {
        String type = io.getClass().getName();
        return type.startsWith("java.net.") || type.startsWith("javax.net.") || type.equals("java.io.InterruptedIOException");
    }
}
