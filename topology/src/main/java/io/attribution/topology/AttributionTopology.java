package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.CapHold;
import io.attribution.avro.Click;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import io.attribution.avro.MisplacedInput;
import io.attribution.avro.PostbackFate;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.StatsBucket;
import io.attribution.campaigns.CampaignRecords;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The attribution topology as a pure function of its serdes and settings, in two applications:
 * the decisions ({@link #decisions}) and the query views that follow their output topics
 * ({@link #views}), so the views never take a decision's stream thread. See
 * {@code topology/DESIGN.md} for the stores, their keys and retention.
 *
 * <pre>
 *  clicks --------> click-arrivals ------+              [clicks-store] [pending-postbacks(-by-time)-store]
 *  postbacks.raw -> attribute-postbacks -+-> rules outcome
 *                                              |-- rejected ------------------------------------> conversions.rejected
 *                                              '-- candidate --> click-ledger (same task)
 *                                                                  |-- txn id of the advertiser's (UNIQUE_TXN)
 *                                                                  |     ==(repartition unique-txn: advertiser+txn)==>
 *                                                                  |     unique-txn-ledger --------------------------+
 *                                                                  '-------------------------------------------------+
 *                                                                                                                  |
 *   ledger outcome: rejected (duplicate) -> conversions.rejected; attributed -> conversions.attributed;            |
 *   candidate of a goal with caps ==(repartition goal-caps: campaign+goal)==> caps --> attributed | rejected <-----+
 *  campaigns (global) -> [campaigns-store]
 *
 *  views application ({@link #views}, application id {@code <application.id>-views}):
 *  conversions.attributed, conversions.rejected -> attributed-views, rejected-views -> [query views: stats,
 *                                                  conversions by click and txn, postback log, recent rejections]
 *  clicks -> click-views -> [stats: clicks per campaign and affiliate hour, sub1 breakdown]
 * </pre>
 *
 * clicks and postbacks.raw are co-partitioned by click_id, so they meet without a repartition.
 * Only the two rules that need another key repartition: UNIQUE_TXN (a txn id once per advertiser,
 * across clicks) and caps (global per goal).
 */
public final class AttributionTopology {

    private static final Serde<String> KEYS = Serdes.String();
    /** Counters and cap marks live past a month: a monthly cap period is at most 31 days. */
    private static final Duration CAP_COUNTER_RETENTION = Duration.ofDays(35);
    /** Window stores need a window size; entries are points in time. */
    private static final Duration POINT = Duration.ofMillis(1);

    /** How long the campaign store waits at a record for the registry before giving the record up. */
    private static final Duration REGISTRY_PATIENCE = Duration.ofSeconds(60);

    /** The views application has no global store: nothing gives a record up there. */
    private static final DeadLetterSink NO_CAMPAIGN_STORE = new DeadLetterSink() {
        @Override
        public void send(ProducerRecord<byte[], byte[]> deadLetter) {
            throw new IllegalStateException("the views application has no campaign store");
        }

        @Override
        public void close() {
        }
    };

    private final RecordSerdes serdes;
    private final AttributionSettings settings;
    private final DeadLetterSink campaignDeadLetters;
    private final Clock clock;
    private final StreamsBuilder builder;
    /** Shared by the campaign store's updater and every processor that reads campaigns. */
    private final CampaignChanges campaignChanges = new CampaignChanges();
    /**
     * The decisions' clicks, when the views are built into the same application ({@link #build}):
     * Kafka Streams reads a topic through one source, so the click views hang off this one.
     */
    private KStream<String, Click> decisionClicks;

    private AttributionTopology(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                DeadLetterSink campaignDeadLetters, Clock clock) {
        this.serdes = serdes;
        this.settings = settings;
        this.campaignDeadLetters = campaignDeadLetters;
        this.clock = clock;
        this.builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
    }

    /**
     * Decisions and views in one application: the layout of every release before
     * {@code topology.role}. The pipeline runs them as two applications ({@link #decisions},
     * {@link #views}); this one stays for tests that need one driver and for the benchmark's
     * "full" contender, what the split is measured against.
     *
     * @param campaignDeadLetters where the global campaign store sends the records it gives up on
     *                            (Kafka Streams cannot write for a global store); the caller closes
     *                            it after the topology, as Kafka Streams never closes a global processor
     */
    public static Topology build(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                 DeadLetterSink campaignDeadLetters) {
        return build(serdes, streamsProperties, settings, campaignDeadLetters, Clock.systemUTC());
    }

    /** @param clock what event times are checked against (tests replay times far from today's) */
    public static Topology build(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                 DeadLetterSink campaignDeadLetters, Clock clock) {
        return new AttributionTopology(serdes, streamsProperties, settings, campaignDeadLetters, clock)
                .assemble(true, true);
    }

    /**
     * The decisions application: sub-topologies 0-2 and the campaign store, writing the output
     * topics; no query views.
     *
     * @see #build(RecordSerdes, Properties, AttributionSettings, DeadLetterSink)
     */
    public static Topology decisions(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                     DeadLetterSink campaignDeadLetters) {
        return decisions(serdes, streamsProperties, settings, campaignDeadLetters, Clock.systemUTC());
    }

    /** @param clock what event times are checked against (tests replay times far from today's) */
    public static Topology decisions(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                     DeadLetterSink campaignDeadLetters, Clock clock) {
        return new AttributionTopology(serdes, streamsProperties, settings, campaignDeadLetters, clock)
                .assemble(true, false);
    }

    /**
     * The views application: the query views, following the output topics (the views sub-topology
     * alone). It decides nothing and reads no campaign, so it needs no dead-letter producer of its own.
     */
    public static Topology views(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings) {
        return views(serdes, streamsProperties, settings, Clock.systemUTC());
    }

    /** @param clock what the event times of clicks are checked against, as the decisions check them */
    public static Topology views(RecordSerdes serdes, Properties streamsProperties, AttributionSettings settings,
                                 Clock clock) {
        return new AttributionTopology(serdes, streamsProperties, settings, NO_CAMPAIGN_STORE, clock)
                .assemble(false, true);
    }

    private Topology assemble(boolean withDecisions, boolean withViews) {
        if (withDecisions) {
            addDecisions();
        }
        if (withViews) {
            addViews();
        }
        return builder.build();
    }

    private void addDecisions() {
        addStores();

        EventTimeBounds bounds = new EventTimeBounds(clock, settings.maxEventTimeSkew(), settings.clickRetention());
        BoundedEventTimeExtractor recordTime = new BoundedEventTimeExtractor(clock, settings.maxEventTimeSkew());
        KStream<String, Outcome> fromPostbacks = builder.stream(Topics.POSTBACKS_RAW.name(),
                        Consumed.<String, RawPostback>with(KEYS, serdes.valueSerde(Topics.POSTBACKS_RAW))
                                .withTimestampExtractor(recordTime).withName("postbacks-source"))
                .process(() -> PostbackAttributor.ofInput(settings, bounds, clock, campaignChanges),
                        Named.as("attribute-postbacks"), StoreNames.CLICKS, StoreNames.PENDING_POSTBACKS,
                        StoreNames.PENDING_POSTBACKS_BY_TIME);
        decisionClicks = builder.stream(Topics.CLICKS.name(),
                Consumed.<String, Click>with(KEYS, serdes.valueSerde(Topics.CLICKS))
                        .withTimestampExtractor(recordTime).withName("clicks-source"));
        KStream<String, Outcome> fromClicks = decisionClicks
                .process(() -> new PostbackAttributor.ClickArrivals(bounds,
                                InputPlacement.checkedAgainst(settings.inputPartitions()), campaignChanges),
                        Named.as("click-arrivals"), StoreNames.CLICKS, StoreNames.PENDING_POSTBACKS,
                        StoreNames.PENDING_POSTBACKS_BY_TIME);

        Map<String, KStream<String, Outcome>> placement = fromPostbacks.merge(fromClicks, Named.as("input-outcomes"))
                .split(Named.as("placement-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Misplaced, Branched.as("misplaced"))
                .defaultBranch(Branched.as("placed"));
        KStream<String, Outcome> fromMisplaced = readAgainWherePlaced(placement.get("placement-misplaced"), bounds);

        Map<String, KStream<String, Outcome>> rules = placement.get("placement-placed")
                .merge(fromMisplaced, Named.as("rule-outcomes"))
                .split(Named.as("rules-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("per-click"));
        sinkFinal(rules.get("rules-rejected"), "rules");

        // Every candidate meets its click's ledger first (same task): it knows which of the click's
        // txn ids live in the advertiser's ledger, so a status update finds its conversion there
        // whatever mode or goal it names.
        Map<String, KStream<String, Outcome>> clickLedger = candidates(rules.get("rules-per-click"), "per-click")
                .process(() -> LedgerProcessor.ofClicks(settings.bounds(), campaignChanges), Named.as("click-ledger"),
                        StoreNames.CLICK_LEDGER)
                .split(Named.as("click-ledger-"))
                .branch((key, outcome) -> outcome instanceof Outcome.ToAdvertiserLedger, Branched.as("advertiser-txn"))
                .branch((key, outcome) -> outcome instanceof Outcome.Candidate, Branched.as("capped-goal"))
                .defaultBranch(Branched.as("final"));
        Map<String, KStream<String, Outcome>> txnLedger = clickLedger.get("click-ledger-advertiser-txn")
                .map((clickId, outcome) -> KeyValue.pair(((Outcome.ToAdvertiserLedger) outcome).ledgerKey(),
                        ((Outcome.ToAdvertiserLedger) outcome).candidate()), Named.as("key-by-advertiser-txn"))
                .repartition(Repartitioned.<String, ConversionCandidate>as(StoreNames.UNIQUE_TXN_REPARTITION)
                        .withKeySerde(KEYS).withValueSerde(serdes.valueSerde(ConversionCandidate.class)))
                .process(() -> LedgerProcessor.ofAdvertiserTxns(settings.bounds(), campaignChanges),
                        Named.as("unique-txn-ledger"), StoreNames.UNIQUE_TXN_LEDGER)
                .split(Named.as("unique-txn-ledger-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Candidate, Branched.as("capped-goal"))
                .defaultBranch(Branched.as("final"));

        // Each ledger repartitions on its own: merging before the repartition would fuse the
        // click and txn sub-topologies into one.
        KStream<String, Outcome> capped = byGoal(clickLedger, "click-ledger")
                .merge(byGoal(txnLedger, "unique-txn-ledger"), Named.as("cap-candidates"))
                .process(() -> new CapProcessor(campaignChanges), Named.as("caps"), StoreNames.CAP_COUNTERS,
                        StoreNames.CONVERSION_CAPS, StoreNames.CAPPED_CONVERSIONS);
        sinkFinal(capped, "caps");
    }

    /**
     * Clicks and postbacks read from the wrong partition for their click id go through the
     * misplaced-input topic, keyed by click id, and are read again from there on the right task,
     * by a second pair of processors on the same stores. One topic for both kinds: every input
     * partition of a task costs Kafka Streams some work on each record while it is empty.
     */
    private KStream<String, Outcome> readAgainWherePlaced(KStream<String, Outcome> misplaced, EventTimeBounds bounds) {
        Map<String, KStream<String, MisplacedInput>> kinds = misplaced
                .mapValues(outcome -> ((Outcome.Misplaced) outcome).input(), Named.as("misplaced-input-values"))
                .repartition(Repartitioned.<String, MisplacedInput>as(StoreNames.MISPLACED_INPUT_REPARTITION)
                        .withKeySerde(KEYS).withValueSerde(serdes.valueSerde(MisplacedInput.class)))
                .split(Named.as("misplaced-"))
                .branch((clickId, input) -> input.getClick() != null, Branched.as("click"))
                .defaultBranch(Branched.as("postback"));
        KStream<String, Outcome> clicks = kinds.get("misplaced-click")
                .mapValues(MisplacedInput::getClick, Named.as("misplaced-click-values"))
                .process(() -> new PostbackAttributor.ClickArrivals(bounds, InputPlacement.alreadyPlaced(),
                                campaignChanges), Named.as("placed-click-arrivals"), StoreNames.CLICKS,
                        StoreNames.PENDING_POSTBACKS, StoreNames.PENDING_POSTBACKS_BY_TIME);
        KStream<String, Outcome> postbacks = kinds.get("misplaced-postback")
                .mapValues(MisplacedInput::getPostback, Named.as("misplaced-postback-values"))
                .process(() -> PostbackAttributor.ofLoop(settings, bounds, clock, campaignChanges),
                        Named.as("placed-attribute-postbacks"), StoreNames.CLICKS, StoreNames.PENDING_POSTBACKS,
                        StoreNames.PENDING_POSTBACKS_BY_TIME);
        return clicks.merge(postbacks, Named.as("placed-outcomes"));
    }

    private void addStores() {
        // Read as bytes: the updater decodes and checks each record itself, so a bad one cannot
        // reach a deserializer Kafka Streams would fail the global thread on.
        CampaignRecords campaignRecords = new CampaignRecords(serdes.valueDeserializer(Topics.CAMPAIGNS));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CAMPAIGNS), KEYS,
                        serdes.valueSerde(Topics.CAMPAIGNS)).withLoggingDisabled(),
                Topics.CAMPAIGNS.name(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("campaigns-source"),
                () -> new CampaignStoreUpdater(campaignRecords, campaignDeadLetters, REGISTRY_PATIENCE,
                        campaignChanges));
        Duration retention = settings.clickRetention();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CLICKS, retention, POINT, false),
                KEYS, serdes.valueSerde(Topics.CLICKS)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.PENDING_POSTBACKS),
                KEYS, serdes.valueSerde(Topics.POSTBACKS_RAW)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.PENDING_POSTBACKS_BY_TIME),
                Serdes.Bytes(), Serdes.ByteArray()));
        for (String ledger : new String[] {StoreNames.CLICK_LEDGER, StoreNames.UNIQUE_TXN_LEDGER}) {
            builder.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(ledger, retention, POINT, false),
                    KEYS, serdes.valueSerde(ConversionLedger.class)));
        }
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CAP_COUNTERS, CAP_COUNTER_RETENTION, POINT, false),
                KEYS, Serdes.Long()));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CONVERSION_CAPS, retention, POINT, false),
                KEYS, serdes.valueSerde(CapHold.class)));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.CAPPED_CONVERSIONS, retention, POINT, false),
                KEYS, Serdes.Long()));
    }

    /**
     * The query views follow the output topics, in a sub-topology of their own (an application of
     * their own in the pipeline): they never slow a decision down, and they see exactly what
     * downstream consumers see (read_committed).
     */
    private void addViews() {
        Duration retention = settings.clickRetention();
        // Cached: every decided postback updates three buckets, and the postbacks of one campaign
        // hour update the same ones, so the changelog and RocksDB get each bucket once per commit
        // instead of once per postback. The query API reads through the cache.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QueryStores.STATS),
                KEYS, serdes.valueSerde(StatsBucket.class)).withCachingEnabled());
        // Cached for the same reason: the clicks of a sub1 in a day update one bucket, and its
        // count of values changes only when a new value comes.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QueryStores.SUB1_STATS),
                KEYS, serdes.valueSerde(StatsBucket.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QueryStores.SUB1_COUNTS),
                KEYS, Serdes.Long()).withCachingEnabled());
        for (String index : new String[] {QueryStores.CLICK_CONVERSIONS, QueryStores.TXN_CONVERSIONS}) {
            builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(index, retention, POINT, false),
                    KEYS, serdes.valueSerde(ClickConversions.class)));
        }
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(QueryStores.POSTBACK_LOG, QueryStores.LOG_RETENTION, POINT, false),
                KEYS, serdes.valueSerde(PostbackFate.class)));
        // Every rejection of a campaign is kept, several per millisecond included.
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(QueryStores.RECENT_REJECTIONS, QueryStores.LOG_RETENTION, POINT, true),
                KEYS, serdes.valueSerde(Topics.CONVERSIONS_REJECTED)));

        builder.stream(Topics.CONVERSIONS_ATTRIBUTED.name(), Consumed.<String, AttributedConversion>with(KEYS,
                        serdes.valueSerde(Topics.CONVERSIONS_ATTRIBUTED)).withName("attributed-views-source"))
                .process(() -> new AttributedViews(settings.bounds()), Named.as("attributed-views"), QueryStores.CLICK_CONVERSIONS,
                        QueryStores.TXN_CONVERSIONS, QueryStores.POSTBACK_LOG, QueryStores.STATS,
                        QueryStores.SUB1_STATS, QueryStores.SUB1_COUNTS);
        builder.stream(Topics.CONVERSIONS_REJECTED.name(), Consumed.<String, RejectedPostback>with(KEYS,
                        serdes.valueSerde(Topics.CONVERSIONS_REJECTED)).withName("rejected-views-source"))
                .process(RejectedViews::new, Named.as("rejected-views"), QueryStores.POSTBACK_LOG, QueryStores.STATS,
                        QueryStores.RECENT_REJECTIONS);
        addClickViews();
    }

    /**
     * Clicks counted in the stats. The views application reads {@code clicks} itself, as bytes:
     * it decodes each click and skips, rather than dead-letters again, what the decisions refuse
     * ({@link ClickViews}). Co-partitioned with the output topics (keyed by click_id, same count),
     * so one sub-topology still: each task's stats hold its partition's clicks and decisions.
     */
    private void addClickViews() {
        EventTimeBounds bounds = new EventTimeBounds(clock, settings.maxEventTimeSkew(), settings.clickRetention());
        String[] stores = {QueryStores.STATS, QueryStores.SUB1_STATS, QueryStores.SUB1_COUNTS};
        if (decisionClicks != null) {
            decisionClicks.process(() -> new ClickViews<>(ClickViews.decoded(), bounds), Named.as("click-views"),
                    stores);
            return;
        }
        var reader = ClickViews.decoding(serdes.valueDeserializer(Topics.CLICKS));
        builder.stream(Topics.CLICKS.name(), Consumed.with(KEYS, Serdes.ByteArray())
                        .withTimestampExtractor(new BoundedEventTimeExtractor(clock, settings.maxEventTimeSkew()))
                        .withName("click-views-source"))
                .process(() -> new ClickViews<>(reader, bounds), Named.as("click-views"), stores);
    }

    private static KStream<String, ConversionCandidate> candidates(KStream<String, Outcome> outcomes, String stage) {
        return outcomes.mapValues(outcome -> ((Outcome.Candidate) outcome).candidate(), Named.as(stage + "-candidates"));
    }

    /**
     * Sends the final outcomes of a ledger to the output topics, and what still needs a cap check
     * to the caps, keyed by campaign and goal.
     */
    private KStream<String, ConversionCandidate> byGoal(Map<String, KStream<String, Outcome>> ledgerOutcomes,
                                                        String stage) {
        sinkFinal(ledgerOutcomes.get(stage + "-final"), stage);
        return candidates(ledgerOutcomes.get(stage + "-capped-goal"), stage + "-capped-goal")
                .selectKey((key, candidate) -> goalKey(candidate.getConversion()), Named.as(stage + "-key-by-goal"))
                .repartition(Repartitioned.<String, ConversionCandidate>as(stage + "-" + StoreNames.GOAL_CAPS_REPARTITION)
                        .withKeySerde(KEYS).withValueSerde(serdes.valueSerde(ConversionCandidate.class)));
    }

    /** Attributed and Rejected outcomes to their topics, keyed by click_id whatever the stage's key. */
    private void sinkFinal(KStream<String, Outcome> outcomes, String stage) {
        KStream<String, Outcome> byClick = outcomes.selectKey((key, outcome) -> outputKey(outcome),
                Named.as(stage + "-key-by-click"));
        byClick.split(Named.as(stage + "-outcome-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Attributed, Branched.withConsumer(attributed ->
                        sink(attributed.mapValues(outcome -> ((Outcome.Attributed) outcome).conversion(),
                                Named.as(stage + "-attributed-conversion")), Topics.CONVERSIONS_ATTRIBUTED,
                                stage + "-attributed"), "attributed"))
                .branch((key, outcome) -> outcome instanceof Outcome.Rejected, Branched.withConsumer(rejected ->
                        sink(rejected.mapValues(outcome -> ((Outcome.Rejected) outcome).rejection(),
                                Named.as(stage + "-rejected-postback")), Topics.CONVERSIONS_REJECTED,
                                stage + "-rejected"), "rejected"))
                .noDefaultBranch();
    }

    /**
     * The click_id; the request_id for a request that names no click (refused at the edge), so
     * that a flood of those spreads over the partitions instead of piling onto one.
     */
    private static String outputKey(Outcome outcome) {
        return outcome instanceof Outcome.Rejected rejected && rejected.clickId().isBlank()
                ? rejected.rejection().getRequestId() : outcome.clickId();
    }

    /**
     * Writes outcomes to their topic, serialized and size-checked first ({@link OutputBytes}): one
     * the producer would refuse goes to the dead-letter topic instead of failing the transaction.
     */
    private <V extends SpecificRecord> void sink(KStream<String, V> outcomes, Topic<V> topic, String name) {
        outcomes.processValues(() -> new OutputBytes<>(topic.name(), serdes.valueSerializer(topic)),
                        Named.as(name + "-serialize"))
                .split(Named.as(name + "-serialized-"))
                .branch((key, serialized) -> serialized.fits(), Branched.withConsumer(fits ->
                        fits.mapValues(OutputBytes.Serialized::value, Named.as(name + "-bytes"))
                                .to(topic.name(), Produced.with(KEYS, Serdes.ByteArray()).withName(name + "-sink")), "fits"))
                .defaultBranch(Branched.withConsumer(refused ->
                        refused.mapValues(serialized -> (byte[]) null, Named.as(name + "-dead-letter"))
                                .to(Topics.DEAD_LETTERS, Produced.with(KEYS, Serdes.ByteArray())
                                        .withName(name + "-dead-letter-sink")), "refused"));
    }

    private static String goalKey(AttributedConversion conversion) {
        return conversion.getCampaignId() + '\u0000' + conversion.getGoalId();
    }
}
