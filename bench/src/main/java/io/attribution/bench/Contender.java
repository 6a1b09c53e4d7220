package io.attribution.bench;

import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import org.apache.kafka.streams.Topology;

import java.util.List;
import java.util.Properties;

/**
 * A topology under measurement, and the input mix it gets.
 *
 * @param name       short, for application ids, options and the table
 * @param topology   builds it from the serdes and its Kafka Streams settings
 * @param outputs    the topics it writes its results to
 * @param clicksMix  whether it gets the clicks mix (many clicks per postback, interleaved) rather than the
 *                   ordinary one (clicks first, then a few postbacks per click)
 * @param outputsPer how many output records a round's input makes there: what marks its decisions done
 */
record Contender(String name, TopologyFactory topology, List<String> outputs, boolean clicksMix,
                 OutputsPerInput outputsPer) {

    /** Builds a contender's topology for one round. */
    interface TopologyFactory {
        Topology build(RecordSerdes serdes, Properties properties, BenchOptions options);
    }

    /** The output records a round's input makes. */
    interface OutputsPerInput {
        long of(RoundInput input);
    }

    /** One output per postback and one per click. */
    static final Contender PASS_THROUGH = new Contender("pass-through",
            (serdes, properties, options) -> PassThroughTopology.build(serdes),
            PassThroughTopology.OUTPUT_TOPICS, false, input -> (long) input.postbacks() + input.clicks());

    /** One output per postback, whether its click was found or not. */
    static final Contender STATEFUL = new Contender("stateful",
            (serdes, properties, options) -> MinimalStatefulTopology.build(serdes),
            List.of(MinimalStatefulTopology.OUTPUT_TOPIC), false, input -> input.postbacks());

    private static final TopologyFactory ATTRIBUTION = (serdes, properties, options) -> AttributionTopology.build(
            serdes, properties, AttributionSettings.defaults().withInputPartitions(options.partitions()),
            new DeadLetterProducer(properties));
    private static final List<String> DECISIONS =
            List.of(Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name());

    /**
     * The decisions application alone ({@code AttributionTopology.decisions}), as the pipeline runs
     * it since the views have an application of their own: one outcome per postback.
     */
    static final Contender DECISIONS_ONLY = new Contender("decisions", (serdes, properties, options) ->
            AttributionTopology.decisions(serdes, properties,
                    AttributionSettings.defaults().withInputPartitions(options.partitions()),
                    new DeadLetterProducer(properties)), DECISIONS, false, input -> input.postbacks());

    /** Decisions and views in one application, as before the split: exactly one outcome per postback. */
    static final Contender FULL = new Contender("full", ATTRIBUTION, DECISIONS, false, input -> input.postbacks());

    /** The full topology on the clicks mix: how many clicks it absorbs while postbacks flow. */
    static final Contender FULL_CLICKS = new Contender("full-clicks", ATTRIBUTION, DECISIONS, true,
            input -> input.postbacks());

    static final List<Contender> ALL = List.of(PASS_THROUGH, STATEFUL, DECISIONS_ONLY, FULL, FULL_CLICKS);

    static Contender named(String name) {
        return ALL.stream().filter(contender -> contender.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown contender " + name + "; known: "
                        + ALL.stream().map(Contender::name).toList()));
    }
}
