package io.attribution.topology;

/** Names of the topology's state stores: part of its upgrade contract, never auto-generated. */
final class StoreNames {

    /** click_id -> Click, co-partitioned with the postbacks. */
    static final String CLICKS = "clicks-store";
    /** campaign_id -> Campaign, a global store: every instance holds every campaign. */
    static final String CAMPAIGNS = "campaigns-store";

    private StoreNames() {
    }
}
