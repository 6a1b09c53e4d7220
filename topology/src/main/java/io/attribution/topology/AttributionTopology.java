package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import java.util.Properties;

/**
 * The attribution topology as a pure function of its serdes and settings.
 *
 * <pre>
 * clicks ------------> record-clicks ---------> [clicks-store]
 * postbacks.raw -----> attribute-postbacks <--- [clicks-store], [campaigns-store] (global)
 *                         |-- attributed --> conversions.attributed
 *                         '-- rejected ----> conversions.rejected
 * campaigns (global) -> [campaigns-store]
 * </pre>
 *
 * clicks and postbacks.raw are both keyed by click_id and co-partitioned, so they meet in one
 * sub-topology without a repartition; campaigns are small and read by every task, so they are global.
 */
public final class AttributionTopology {

    private static final Serde<String> KEYS = Serdes.String();

    private AttributionTopology() {
    }

    public static Topology build(RecordSerdes serdes, Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CAMPAIGNS), KEYS,
                        serdes.valueSerde(Topics.CAMPAIGNS)).withLoggingDisabled(),
                Topics.CAMPAIGNS.name(),
                Consumed.<String, Campaign>with(KEYS, serdes.valueSerde(Topics.CAMPAIGNS)).withName("campaigns-source"),
                CampaignStoreUpdater::new);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CLICKS), KEYS,
                serdes.valueSerde(Topics.CLICKS)));

        builder.stream(Topics.CLICKS.name(),
                        Consumed.<String, Click>with(KEYS, serdes.valueSerde(Topics.CLICKS)).withName("clicks-source"))
                .process(ClickRecorder::new, Named.as("record-clicks"), StoreNames.CLICKS);

        KStream<String, Outcome> outcomes = builder.stream(Topics.POSTBACKS_RAW.name(),
                        Consumed.<String, RawPostback>with(KEYS, serdes.valueSerde(Topics.POSTBACKS_RAW))
                                .withName("postbacks-source"))
                .process(PostbackAttributor::new, Named.as("attribute-postbacks"), StoreNames.CLICKS);

        outcomes.split(Named.as("outcome-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Attributed, Branched.withConsumer(attributed ->
                        attributed.mapValues(outcome -> ((Outcome.Attributed) outcome).conversion(),
                                        Named.as("attributed-conversion"))
                                .to(Topics.CONVERSIONS_ATTRIBUTED.name(),
                                        Produced.with(KEYS, serdes.valueSerde(Topics.CONVERSIONS_ATTRIBUTED))
                                                .withName("attributed-sink")), "attributed"))
                .defaultBranch(Branched.withConsumer(rejected ->
                        rejected.mapValues(outcome -> ((Outcome.Rejected) outcome).rejection(),
                                        Named.as("rejected-postback"))
                                .to(Topics.CONVERSIONS_REJECTED.name(),
                                        Produced.with(KEYS, serdes.valueSerde(Topics.CONVERSIONS_REJECTED))
                                                .withName("rejected-sink")), "rejected"));

        return builder.build();
    }
}
