package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.PostbackFate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Instant;

/**
 * Keeps the query views of attributed conversions: the conversions of a click and of a txn id,
 * the postback log, the hourly stats and the sub1 breakdown. Reads {@code conversions.attributed}, keyed by click_id.
 */
final class AttributedViews implements Processor<String, AttributedConversion, Void, Void> {

    private final StateBounds bounds;
    private ConversionIndex byClick;
    private ConversionIndex byTxn;
    private PostbackLog log;
    private StatsTable stats;
    private Sub1Stats subs;

    AttributedViews(StateBounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.byClick = new ConversionIndex(context.getStateStore(QueryStores.CLICK_CONVERSIONS), bounds);
        this.byTxn = new ConversionIndex(context.getStateStore(QueryStores.TXN_CONVERSIONS), bounds);
        this.log = new PostbackLog(context.getStateStore(QueryStores.POSTBACK_LOG));
        this.stats = new StatsTable(context.getStateStore(QueryStores.STATS));
        this.subs = new Sub1Stats(context.getStateStore(QueryStores.SUB1_STATS),
                context.getStateStore(QueryStores.SUB1_COUNTS));
    }

    @Override
    public void process(Record<String, AttributedConversion> record) {
        AttributedConversion conversion = record.value();
        // Filed at click time, the conversions of a click expire with the click.
        Instant createdAt = byClick.record(conversion.getClickId(), conversion, conversion.getClickedAt());
        if (conversion.getTxnId() != null) {
            byTxn.record(conversion.getTxnId(), conversion, createdAt);
        }
        if (!conversion.getTest()) {
            // The tester's conversions stay in the lookups and the log, marked test, never in stats.
            stats.attributed(conversion, createdAt);
            subs.attributed(conversion, createdAt);
        }
        log.decided(PostbackFate.newBuilder().setRequestId(conversion.getRequestId())
                .setClickId(conversion.getClickId()).setDecidedAt(conversion.getConvertedAt())
                .setAttributed(conversion).build());
    }
}
