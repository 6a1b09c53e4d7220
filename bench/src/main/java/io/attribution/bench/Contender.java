package io.attribution.bench;

import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import org.apache.kafka.streams.Topology;

import java.util.List;
import java.util.Properties;
import java.util.function.ToLongFunction;

/**
 * A topology under measurement.
 *
 * @param name            short, for application ids and the table
 * @param topology        builds it from the serdes and its Kafka Streams settings
 * @param outputs         the topics it writes its results to
 * @param expectedOutputs how many records it writes there once it has read all the input: the
 *                        count that ends a round
 */
record Contender(String name, TopologyFactory topology, List<String> outputs,
                 ToLongFunction<BenchOptions> expectedOutputs) {

    /** Builds a contender's topology for one round. */
    interface TopologyFactory {
        Topology build(RecordSerdes serdes, Properties properties, BenchOptions options);
    }

    /** One output per postback and one per click: done means every input record was handled. */
    static final Contender PASS_THROUGH = new Contender("pass-through",
            (serdes, properties, options) -> PassThroughTopology.build(serdes),
            List.of(PassThroughTopology.POSTBACKS_OUT, PassThroughTopology.CLICKS_OUT),
            options -> (long) options.postbacks() + options.clicks());

    /**
     * Exactly one outcome per postback. Every click has postbacks, and a postback is attributed
     * only once its click was handled, so all postbacks done means all clicks done too.
     */
    static final Contender FULL = new Contender("full",
            (serdes, properties, options) -> AttributionTopology.build(serdes, properties,
                    AttributionSettings.defaults().withInputPartitions(options.partitions()),
                    new DeadLetterProducer(properties)),
            List.of(Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name()),
            BenchOptions::postbacks);
}
