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
 * @param viewsApp   whether what is measured is the views application ({@code AttributionTopology.views})
 *                   over the outputs {@code topology} (the decisions) made of the round's input, and the
 *                   round's clicks: the decisions run first, unmeasured, then the views on their own
 */
record Contender(String name, TopologyFactory topology, List<String> outputs, boolean clicksMix,
                 OutputsPerInput outputsPer, boolean viewsApp) {

    Contender(String name, TopologyFactory topology, List<String> outputs, boolean clicksMix,
              OutputsPerInput outputsPer) {
        this(name, topology, outputs, clicksMix, outputsPer, false);
    }

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
            serdes, properties, settings(options), new DeadLetterProducer(properties));
    private static final List<String> DECISIONS =
            List.of(Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name());

    /**
     * The decisions application alone ({@code AttributionTopology.decisions}), as the pipeline runs
     * it since the views have an application of their own: one outcome per postback.
     */
    private static final TopologyFactory DECISIONS_APP = (serdes, properties, options) ->
            AttributionTopology.decisions(serdes, properties, settings(options), new DeadLetterProducer(properties));

    static final Contender DECISIONS_ONLY = new Contender("decisions", DECISIONS_APP, DECISIONS, false,
            input -> input.postbacks());

    /** The decisions application on the clicks mix: how many clicks it absorbs while postbacks flow. */
    static final Contender DECISIONS_CLICKS = new Contender("decisions-clicks", DECISIONS_APP, DECISIONS, true,
            input -> input.postbacks());

    /**
     * The views application alone, as the pipeline runs it ({@code topology.role}): the query views
     * of the decisions' outputs for the round's postbacks, and of its clicks.
     */
    static final Contender VIEWS_ONLY = new Contender("views", DECISIONS_APP, DECISIONS, false,
            input -> input.postbacks(), true);

    /** The views application on the clicks mix: what counting clicks costs the views. */
    static final Contender VIEWS_CLICKS = new Contender("views-clicks", DECISIONS_APP, DECISIONS, true,
            input -> input.postbacks(), true);

    /** Decisions and views in one application, as before the split: exactly one outcome per postback. */
    static final Contender FULL = new Contender("full", ATTRIBUTION, DECISIONS, false, input -> input.postbacks());

    /** The full topology on the clicks mix: how many clicks it absorbs while postbacks flow. */
    static final Contender FULL_CLICKS = new Contender("full-clicks", ATTRIBUTION, DECISIONS, true,
            input -> input.postbacks());

    static final List<Contender> ALL = List.of(PASS_THROUGH, STATEFUL, DECISIONS_ONLY, VIEWS_ONLY, DECISIONS_CLICKS,
            VIEWS_CLICKS, FULL, FULL_CLICKS);

    /** The attribution settings of every attribution contender: the defaults, on the bench's partitions. */
    static AttributionSettings settings(BenchOptions options) {
        return AttributionSettings.defaults().withInputPartitions(options.partitions());
    }

    static Contender named(String name) {
        return ALL.stream().filter(contender -> contender.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown contender " + name + "; known: "
                        + ALL.stream().map(Contender::name).toList()));
    }
}
