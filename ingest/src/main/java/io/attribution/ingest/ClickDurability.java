package io.attribution.ingest;

import java.util.Locale;

/**
 * When {@code /click} sends the visitor on: a click is worth little on its own, a lost one costs
 * the attribution of its conversion, and waiting for the broker adds its acknowledgement time to
 * every redirect.
 */
public enum ClickDurability {
    /** Redirect once the broker acknowledged the click (acks=all): a redirected click is stored. */
    BROKER,
    /**
     * Redirect as soon as the producer took the click, without waiting: the clicks still in the
     * producer's buffer when the process crashes are lost, and a broker outage longer than the
     * produce timeout loses the clicks of that time while visitors are still redirected.
     */
    NONE;

    /** @param setting {@code broker} or {@code none}, any case */
    public static ClickDurability of(String setting) {
        try {
            return valueOf(setting.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + setting + "' is not a click durability; one of broker, none");
        }
    }
}
