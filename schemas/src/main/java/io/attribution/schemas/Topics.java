package io.attribution.schemas;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;

import java.util.List;

/** The one place where topic names live. */
public final class Topics {

    /** Keyed by click_id: co-partitioned with the postbacks, so the join needs no repartition. */
    public static final Topic<Click> CLICKS = new Topic<>("clicks", Click.class, "click_id", false);

    /** Keyed by click_id, written by ingest only after the broker acknowledged it. */
    public static final Topic<RawPostback> POSTBACKS_RAW =
            new Topic<>("postbacks.raw", RawPostback.class, "click_id", false);

    /** Compacted: the latest definition of each campaign is all the topology needs. */
    public static final Topic<Campaign> CAMPAIGNS = new Topic<>("campaigns", Campaign.class, "campaign_id", true);

    public static final Topic<AttributedConversion> CONVERSIONS_ATTRIBUTED =
            new Topic<>("conversions.attributed", AttributedConversion.class, "click_id", false);

    public static final Topic<RejectedPostback> CONVERSIONS_REJECTED =
            new Topic<>("conversions.rejected", RejectedPostback.class, "click_id", false);

    /**
     * Records the topology cannot read or process, as the original bytes, with the source topic,
     * partition, offset and the error in headers (Kafka Streams' native dead-letter queue).
     */
    public static final String DEAD_LETTERS = "postbacks.dead-letters";

    private Topics() {
    }

    /** The Avro topics, in the order they are listed to users. */
    public static List<Topic<?>> all() {
        return List.of(CLICKS, POSTBACKS_RAW, CAMPAIGNS, CONVERSIONS_ATTRIBUTED, CONVERSIONS_REJECTED);
    }
}
