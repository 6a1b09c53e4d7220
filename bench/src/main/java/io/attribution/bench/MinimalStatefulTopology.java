package io.attribution.bench;

import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * The smallest stateful topology a postback attribution needs: clicks into a table (a store with
 * its changelog), each postback joined to its click by click id, one changelogged key-value write
 * per postback, one output record per postback. Same inputs, serdes and guarantee as the full
 * topology; none of its rules, ledgers, caps or views. What the full topology costs beyond this
 * is the cost of what it decides.
 */
final class MinimalStatefulTopology {

    static final String OUTPUT_TOPIC = "bench.stateful.postbacks";
    static final List<String> OUTPUT_TOPICS = List.of(OUTPUT_TOPIC);

    private static final String CLICKS_STORE = "bench-clicks";
    private static final String POSTBACKS_STORE = "bench-postbacks";
    private static final Serde<String> KEYS = Serdes.String();

    private MinimalStatefulTopology() {
    }

    static Topology build(RecordSerdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<Click> clickSerde = serdes.valueSerde(Topics.CLICKS);
        Serde<RawPostback> postbackSerde = serdes.valueSerde(Topics.POSTBACKS_RAW);
        KTable<String, Click> clicks = builder.table(Topics.CLICKS.name(),
                Consumed.with(KEYS, clickSerde).withName("clicks-source"),
                Materialized.<String, Click, KeyValueStore<Bytes, byte[]>>as(CLICKS_STORE)
                        .withKeySerde(KEYS).withValueSerde(clickSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POSTBACKS_STORE),
                KEYS, postbackSerde));
        // A left join: a postback whose click is not there still makes its one output, so that every
        // round ends with exactly one output per postback.
        builder.stream(Topics.POSTBACKS_RAW.name(), Consumed.with(KEYS, postbackSerde).withName("postbacks-source"))
                .leftJoin(clicks, (postback, click) -> postback,
                        Joined.<String, RawPostback, Click>as("postback-click").withKeySerde(KEYS)
                                .withValueSerde(postbackSerde).withOtherValueSerde(clickSerde))
                .process(RecordPostback::new, Named.as("record-postback"), POSTBACKS_STORE)
                .to(OUTPUT_TOPIC, Produced.with(KEYS, postbackSerde).withName("postbacks-sink"));
        return builder.build();
    }

    /** One write per postback, under its request id, and the postback passed on. */
    private static final class RecordPostback implements Processor<String, RawPostback, String, RawPostback> {

        private ProcessorContext<String, RawPostback> context;
        private KeyValueStore<String, RawPostback> store;

        @Override
        public void init(ProcessorContext<String, RawPostback> context) {
            this.context = context;
            this.store = context.getStateStore(POSTBACKS_STORE);
        }

        @Override
        public void process(Record<String, RawPostback> record) {
            store.put(record.value().getRequestId(), record.value());
            context.forward(record);
        }
    }
}
