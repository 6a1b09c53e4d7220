package io.attribution.topology;

import io.attribution.avro.Click;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts clicks in the stats: the hour of their campaign and affiliate, and the day of their sub1.
 * Reads {@code clicks}, keyed by click_id, like the decisions.
 *
 * <p>A click the decisions refuse is not counted: unreadable bytes, or a {@code clicked_at} out of
 * {@link EventTimeBounds} (a clock years off would otherwise file a bucket in 2100). The decisions
 * already send each of those to the dead-letter topic, so here they are skipped, not sent again:
 * one record, one dead letter. A click of a campaign nobody knows counts under that campaign id,
 * as the decisions store it: the views read no campaigns (ingest's {@code /click} writes no such
 * click; a writer to the topic that does is counted, as its postbacks would be).
 *
 * @param <V> what the source gives: the record's bytes in the views application, which decodes
 *            them here; the decoded click where the views share the decisions' source ({@code build})
 */
final class ClickViews<V> implements Processor<String, V, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickViews.class);

    /** Reads a click from what the source gives; null for a record that holds none. */
    interface ClickReader<V> {
        Click read(String topic, Headers headers, V value);
    }

    private final ClickReader<V> reader;
    private final EventTimeBounds bounds;
    private ProcessorContext<Void, Void> context;
    private StatsTable stats;
    private Sub1Stats subs;
    private long skipped;

    ClickViews(ClickReader<V> reader, EventTimeBounds bounds) {
        this.reader = reader;
        this.bounds = bounds;
    }

    /** The views application's reader: the click's bytes decoded here, unreadable ones skipped. */
    static ClickReader<byte[]> decoding(Deserializer<Click> deserializer) {
        return (topic, headers, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return deserializer.deserialize(topic, headers, bytes);
            } catch (RuntimeException unreadable) {
                return null;
            }
        };
    }

    static ClickReader<Click> decoded() {
        return (topic, headers, click) -> click;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.stats = new StatsTable(context.getStateStore(QueryStores.STATS));
        this.subs = new Sub1Stats(context.getStateStore(QueryStores.SUB1_STATS),
                context.getStateStore(QueryStores.SUB1_COUNTS));
    }

    @Override
    public void process(Record<String, V> record) {
        String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse("clicks");
        Click click = reader.read(topic, record.headers(), record.value());
        if (click == null || !withinBounds(click, record.timestamp())) {
            // Hostile traffic sends these by the million: a count in the log now and then, not a line each.
            if (++skipped % 10_000 == 1) {
                LOG.warn("{} clicks not counted in the stats so far (unreadable or clicked_at out of bounds;"
                        + " the decisions send them to the dead-letter topic)", skipped);
            }
            return;
        }
        if (click.getTest()) {
            // The postback tester's clicks: their conversions stay out of the stats, so do they.
            return;
        }
        stats.clicked(click);
        subs.clicked(click);
    }

    private boolean withinBounds(Click click, long recordTime) {
        try {
            bounds.requireWithin(click, recordTime);
            return true;
        } catch (EventTimeOutOfBounds refused) {
            return false;
        }
    }
}
