package io.attribution.query.routing;

/**
 * This instance cannot answer for one partition right now: not hosted here, not active while the
 * question required it, still restoring, or Kafka Streams is not running. The router then looks
 * elsewhere (a standby) or reports the partition missing; it never substitutes an empty answer.
 */
public final class PartitionUnavailable extends Exception {

    private final String reason;

    /**
     * @param reason a stable code for clients and logs: {@code NOT_PRESENT}, {@code MIGRATED},
     *               {@code NOT_RUNNING}, {@code LAGGING}... (see {@link LocalStore#read})
     */
    public PartitionUnavailable(String reason, String message) {
        super(message, null, false, false); // expected in every rebalance: no stack trace to fill
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
