package io.attribution.topology;

import io.attribution.schemas.Topics;

import java.time.Duration;
import java.util.Set;

/**
 * The stores the query API reads, with the topic whose partitions they follow: a store is queried
 * on the instance that runs the task of that topic's partition. Every one of these topics is keyed
 * by click_id with the same partition count, but their tasks belong to different sub-topologies,
 * which Kafka Streams may place on different instances.
 */
public final class QueryStores {

    /** dimension NUL id NUL hour -> {@code StatsBucket}: one hour of one campaign, affiliate or goal, per partition. */
    public static final String STATS = "stats-store";
    /**
     * campaign NUL affiliate NUL day NUL sub1 -> {@code StatsBucket} ({@link Sub1Key}): one UTC day of
     * one sub1 value of a campaign's affiliate, per partition; clicks, conversions and money.
     */
    public static final String SUB1_STATS = "sub1-stats-store";
    /** campaign NUL affiliate NUL day -> how many sub1 values that day filed on this partition (the cap). */
    public static final String SUB1_COUNTS = "sub1-counts-store";
    /** click_id -> {@code ClickConversions}, filed at click time: the conversions of a click at their latest status. */
    public static final String CLICK_CONVERSIONS = "click-conversions-store";
    /** txn_id -> {@code ClickConversions}, filed at conversion time: the conversions that carry a txn id. */
    public static final String TXN_CONVERSIONS = "txn-conversions-store";
    /** request_id -> {@code PostbackFate}, filed at decision time: the postback log. */
    public static final String POSTBACK_LOG = "postback-log-store";
    /** campaign_id -> {@code RejectedPostback}, every one kept, filed at rejection time: what advertisers debug with. */
    public static final String RECENT_REJECTIONS = "recent-rejections-store";
    /** click_id -> {@code Click}, windowed by click time. */
    public static final String CLICKS = StoreNames.CLICKS;
    /** click_id NUL request_id -> {@code RawPostback}: postbacks waiting for their click within grace. */
    public static final String PENDING_POSTBACKS = StoreNames.PENDING_POSTBACKS;

    /** The stores of the views application. */
    public static final Set<String> VIEW_STORES = Set.of(STATS, SUB1_STATS, SUB1_COUNTS, CLICK_CONVERSIONS, TXN_CONVERSIONS, POSTBACK_LOG,
            RECENT_REJECTIONS);
    /** The stores of the decisions application that the query API reads. */
    public static final Set<String> DECISION_STORES = Set.of(CLICKS, PENDING_POSTBACKS);

    /** The source of the views sub-topology, whose tasks hold the stats, conversions and postback log. */
    public static final String VIEWS_TOPIC = Topics.CONVERSIONS_ATTRIBUTED.name();
    /** The source of the attribution sub-topology, whose tasks hold clicks and pending postbacks. */
    public static final String CLICKS_TOPIC = Topics.CLICKS.name();

    /**
     * How long the postback log and the recent rejections remember a postback: long enough for an
     * advertiser to look into last week's integration, short enough that a log of every postback
     * stays a fraction of the click store.
     */
    public static final Duration LOG_RETENTION = Duration.ofDays(7);

    private QueryStores() {
    }

    /** The key of a waiting postback in {@link #PENDING_POSTBACKS}. */
    public static String pendingKey(String clickId, String requestId) {
        return clickId + '\u0000' + requestId;
    }
}
