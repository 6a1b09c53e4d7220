package io.attribution.bench;

import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import java.util.List;

/**
 * The baseline: the attribution topology's inputs, serdes and guarantee, and no work in between.
 * Each postback and each click is read with its registry serde and written, as the same record,
 * with the same serde to an output topic: the Kafka Streams, exactly-once and registry Avro costs
 * without the attribution itself.
 */
final class PassThroughTopology {

    static final String POSTBACKS_OUT = "bench.passthrough.postbacks";
    static final String CLICKS_OUT = "bench.passthrough.clicks";
    static final List<String> OUTPUT_TOPICS = List.of(POSTBACKS_OUT, CLICKS_OUT);

    private static final Serde<String> KEYS = Serdes.String();

    private PassThroughTopology() {
    }

    static Topology build(RecordSerdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<RawPostback> postbacks = serdes.valueSerde(Topics.POSTBACKS_RAW);
        builder.stream(Topics.POSTBACKS_RAW.name(), Consumed.with(KEYS, postbacks).withName("postbacks-source"))
                .mapValues(postback -> postback, Named.as("postbacks-as-is"))
                .to(POSTBACKS_OUT, Produced.with(KEYS, postbacks).withName("postbacks-sink"));
        Serde<Click> clicks = serdes.valueSerde(Topics.CLICKS);
        builder.stream(Topics.CLICKS.name(), Consumed.with(KEYS, clicks).withName("clicks-source"))
                .mapValues(click -> click, Named.as("clicks-as-is"))
                .to(CLICKS_OUT, Produced.with(KEYS, clicks).withName("clicks-sink"));
        return builder.build();
    }
}
