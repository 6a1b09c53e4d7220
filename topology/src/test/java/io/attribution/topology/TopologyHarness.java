package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The attribution topology in a TopologyTestDriver, fed and read in the pipeline's own types:
 * decisions and views in one driver ({@link AttributionTopology#build}), or the decisions
 * application alone ({@link #decisionsOnly}, its outputs fed to a {@link ViewsHarness}).
 */
final class TopologyHarness implements AutoCloseable {

    final BinaryAvroSerdes serdes = new BinaryAvroSerdes();
    final TopologyTestDriver driver;
    private final TestInputTopic<String, Campaign> campaigns;
    private final TestInputTopic<byte[], byte[]> rawCampaigns;
    /** What the campaign store gave up on, in order. */
    final List<ProducerRecord<byte[], byte[]>> campaignDeadLetters = new ArrayList<>();
    private final TestInputTopic<String, Click> clicks;
    private final TestInputTopic<String, RawPostback> postbacks;
    final TestOutputTopic<String, AttributedConversion> attributed;
    final TestOutputTopic<String, RejectedPostback> rejected;
    /** What the topology gave up on, but for the campaign store's (which has a producer of its own). */
    final TestOutputTopic<byte[], byte[]> deadLetters;
    private final HarnessClock clock;
    private final Path stateDir;

    /**
     * Where many short-lived drivers, or one that commits thousands of records, keep their state:
     * one directory per test JVM on a RAM disk when there is one (the driver commits, and fsyncs,
     * after every record), removed when the JVM exits, since a try that jqwik abandons (shrinking
     * time is up) never closes its driver.
     */
    static final Path RAM_DISK = stateParent();

    TopologyHarness(AttributionSettings settings, Instant wallClockStart) {
        this(settings, wallClockStart, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param stateParent where the state directory goes: the driver commits (and fsyncs) after
     *                    every record, so many short-lived drivers run far faster on a RAM disk
     */
    TopologyHarness(AttributionSettings settings, Instant wallClockStart, Path stateParent) {
        this(settings, wallClockStart, stateParent, Map.of());
    }

    /** @param streamsOverrides Kafka Streams settings over the production ones, e.g. a producer's */
    TopologyHarness(AttributionSettings settings, Instant wallClockStart, Path stateParent,
                    Map<String, String> streamsOverrides) {
        this(settings, wallClockStart, stateParent, streamsOverrides, false);
    }

    /** The decisions application alone ({@link AttributionTopology#decisions}): no query views. */
    static TopologyHarness decisionsOnly(AttributionSettings settings, Instant wallClockStart) {
        return new TopologyHarness(settings, wallClockStart, Path.of(System.getProperty("java.io.tmpdir")), Map.of(),
                true);
    }

    private TopologyHarness(AttributionSettings settings, Instant wallClockStart, Path stateParent,
                            Map<String, String> streamsOverrides, boolean decisionsOnly) {
        try {
            stateDir = Files.createTempDirectory(stateParent, "topology-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = StreamsSettings.of("attribution-test", "unused:9092", stateDir, streamsOverrides);
        clock = new HarnessClock(wallClockStart);
        DeadLetterSink deadLetterSink = new DeadLetterSink() {
            @Override
            public void send(ProducerRecord<byte[], byte[]> deadLetter) {
                campaignDeadLetters.add(deadLetter);
            }

            @Override
            public void close() {
            }
        };
        driver = new TopologyTestDriver(decisionsOnly
                ? AttributionTopology.decisions(serdes, props, settings, deadLetterSink, clock)
                : AttributionTopology.build(serdes, props, settings, deadLetterSink, clock), props, wallClockStart);
        rawCampaigns = driver.createInputTopic(Topics.CAMPAIGNS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        campaigns = driver.createInputTopic(Topics.CAMPAIGNS.name(), new StringSerializer(),
                serdes.valueSerializer(Topics.CAMPAIGNS));
        clicks = driver.createInputTopic(Topics.CLICKS.name(), new StringSerializer(),
                serdes.valueSerializer(Topics.CLICKS));
        postbacks = driver.createInputTopic(Topics.POSTBACKS_RAW.name(), new StringSerializer(),
                serdes.valueSerializer(Topics.POSTBACKS_RAW));
        attributed = driver.createOutputTopic(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringDeserializer(),
                serdes.valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED));
        rejected = driver.createOutputTopic(Topics.CONVERSIONS_REJECTED.name(), new StringDeserializer(),
                serdes.valueDeserializer(Topics.CONVERSIONS_REJECTED));
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    void campaign(Campaign campaign) {
        campaigns.pipeInput(campaign.getCampaignId(), campaign);
    }

    /** A campaigns record as anyone may write it: any bytes, any headers. */
    void campaignRecord(byte[] key, byte[] value, Headers headers) {
        rawCampaigns.pipeInput(new TestRecord<>(key, value, headers, Fixtures.NOW));
    }

    void deleteCampaign(String campaignId) {
        campaigns.pipeInput(campaignId, null);
    }

    /** A click written at its click time, as the click tracker does: the clock is then at least that. */
    void click(Click click) {
        clock.piped(click.getClickedAt());
        click(click, click.getClickedAt());
    }

    /** A click stamped {@code recordTime} by a producer whose clock may be wrong: the clock stays. */
    void click(Click click, Instant recordTime) {
        clicks.pipeInput(click.getClickId(), click, recordTime);
    }

    /** A postback written at its receipt time, as ingest does: the clock is then at least that. */
    void postback(RawPostback postback) {
        clock.piped(postback.getReceivedAt());
        postback(postback, postback.getReceivedAt());
    }

    /** A postback stamped {@code recordTime} by a producer whose clock may be wrong: the clock stays. */
    void postback(RawPostback postback, Instant recordTime) {
        postbacks.pipeInput(postback.getClickId(), postback, recordTime);
    }

    void advanceWallClock(Duration duration) {
        clock.advance(duration);
        driver.advanceWallClockTime(duration);
    }

    private static Path stateParent() {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm)
                ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Path parent = Files.createTempDirectory(base, "attribution-topology-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(parent)));
            return parent;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort, at exit.
        }
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
