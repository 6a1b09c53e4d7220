package io.attribution.topology;

/**
 * What one key of the topology's state may hold, far below what a broker accepts in one record
 * (1 MiB by default): a busy or hostile click_id must never make a changelog record the broker
 * refuses, which would stop the topology. Past a bound a postback is rejected LIMIT_EXCEEDED, and
 * a query view keeps the newest conversions.
 *
 * @param conversionsPerKey     conversions a click's ledger holds (its txn ids that live in the
 *                              advertiser's ledger included), and conversions a view keeps per key
 * @param conversionBytesPerKey the same, in bytes of conversion data (an over-estimate of their Avro size)
 */
public record StateBounds(int conversionsPerKey, int conversionBytesPerKey) {

    public static final int DEFAULT_CONVERSIONS_PER_KEY = 100;
    public static final int DEFAULT_CONVERSION_BYTES_PER_KEY = 256 * 1024;
    /** Postbacks a ledger remembers (to tell resends), per conversion it may hold: updates come after. */
    private static final int POSTBACKS_PER_CONVERSION = 10;

    public StateBounds {
        if (conversionsPerKey < 1 || conversionBytesPerKey < 1) {
            throw new IllegalArgumentException("state bounds must be positive, were " + conversionsPerKey + " and "
                    + conversionBytesPerKey);
        }
    }

    public static StateBounds defaults() {
        return new StateBounds(DEFAULT_CONVERSIONS_PER_KEY, DEFAULT_CONVERSION_BYTES_PER_KEY);
    }

    /**
     * The postbacks (fingerprints) one ledger remembers. They are never forgotten while the ledger
     * lives, since a forgotten one could count again: past this, the ledger takes no more postbacks.
     */
    public int postbacksPerLedger() {
        return conversionsPerKey * POSTBACKS_PER_CONVERSION;
    }
}
