package io.attribution.topology;

/** Names of the topology's state stores and repartition topics: its upgrade contract, never generated. */
final class StoreNames {

    /** click_id -> Click, windowed by click time: clicks expire after the click retention. */
    static final String CLICKS = "clicks-store";
    /** click_id + request_id -> RawPostback: postbacks waiting for their click, within grace. */
    static final String PENDING_POSTBACKS = "pending-postbacks-store";
    /**
     * Big-endian receipt millis + the key in {@link #PENDING_POSTBACKS} -> nothing: the waiting
     * postbacks in the order their grace ends, so that ending grace reads only what expires.
     */
    static final String PENDING_POSTBACKS_BY_TIME = "pending-postbacks-by-time-store";
    /** campaign_id -> Campaign, a global store: every instance holds every campaign. */
    static final String CAMPAIGNS = "campaigns-store";
    /** click_id -> ConversionLedger, windowed by click time. */
    static final String CLICK_LEDGER = "click-ledger-store";
    /** advertiser_id + txn_id -> ConversionLedger, for UNIQUE_TXN campaigns. */
    static final String UNIQUE_TXN_LEDGER = "unique-txn-ledger-store";
    /** campaign_id + goal_id + day or month -> conversions counted against the cap. */
    static final String CAP_COUNTERS = "cap-counters-store";
    /**
     * conversion_id -> {@code CapHold}, windowed by click time: what the caps did to a conversion of a
     * capped goal (the status they gave it, the periods its slot is counted in).
     */
    static final String CONVERSION_CAPS = "conversion-caps-store";
    /**
     * Legacy, read only: conversion_id -> time, for conversions a cap cancelled before
     * {@link #CONVERSION_CAPS} existed (they were rejections then, and their updates stay refused).
     * Empty one click retention after the upgrade; remove it then.
     */
    static final String CAPPED_CONVERSIONS = "capped-conversions-store";

    /** Repartition topic: clicks and postbacks read from the wrong partition, keyed by click id. */
    static final String MISPLACED_INPUT_REPARTITION = "misplaced-input";
    /** Repartition topic: candidates keyed by advertiser and txn id. */
    static final String UNIQUE_TXN_REPARTITION = "unique-txn";
    /** Repartition topics (one per ledger, prefixed with its name): candidates keyed by campaign and goal. */
    static final String GOAL_CAPS_REPARTITION = "goal-caps";

    private StoreNames() {
    }
}
