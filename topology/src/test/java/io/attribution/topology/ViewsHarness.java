package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.RejectedPostback;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;

/**
 * The views application ({@link AttributionTopology#views}) in a TopologyTestDriver of its own,
 * fed what a decisions-only {@link TopologyHarness} wrote to the output topics, as the views
 * application reads them in the pipeline.
 */
final class ViewsHarness implements AutoCloseable {

    final TopologyTestDriver driver;
    private final TestInputTopic<String, AttributedConversion> attributed;
    private final TestInputTopic<String, RejectedPostback> rejected;
    private final TestInputTopic<String, byte[]> clicks;
    /** What the views application sent to the dead-letter topic. */
    final TestOutputTopic<byte[], byte[]> deadLetters;
    private final Serializer<Click> clickSerializer;
    private final HarnessClock clock;
    private final Path stateDir;

    ViewsHarness(AttributionSettings settings, Instant wallClockStart) {
        try {
            stateDir = Files.createTempDirectory(TopologyHarness.RAM_DISK, "views-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BinaryAvroSerdes serdes = new BinaryAvroSerdes();
        Properties props = StreamsSettings.views(
                StreamsSettings.of("attribution-test", "unused:9092", stateDir, Map.of()), 1);
        // Clicks are checked against the clock, as the decisions check them: the replayed times' clock.
        clock = new HarnessClock(wallClockStart);
        driver = new TopologyTestDriver(AttributionTopology.views(serdes, props, settings, clock), props,
                wallClockStart);
        attributed = driver.createInputTopic(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringSerializer(),
                serdes.valueSerializer(Topics.CONVERSIONS_ATTRIBUTED));
        rejected = driver.createInputTopic(Topics.CONVERSIONS_REJECTED.name(), new StringSerializer(),
                serdes.valueSerializer(Topics.CONVERSIONS_REJECTED));
        clicks = driver.createInputTopic(Topics.CLICKS.name(), new StringSerializer(), new ByteArraySerializer());
        clickSerializer = serdes.valueSerializer(Topics.CLICKS);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** A click on {@code clicks}, its record time its click time, as a tracker writes it. */
    void click(Click click) {
        click(click, click.getClickedAt());
    }

    void click(Click click, Instant recordTime) {
        clickBytes(click.getClickId(), clickSerializer.serialize(Topics.CLICKS.name(), click), recordTime);
    }

    /** Whatever bytes a writer to {@code clicks} sent. */
    void clickBytes(String key, byte[] value, Instant recordTime) {
        clock.piped(recordTime);
        clicks.pipeInput(key, value, recordTime);
    }

    /** Reads every outcome the decisions wrote since the last call, and feeds it here with its record time. */
    void follow(TopologyHarness decisions) {
        decisions.attributed.readRecordsToList().forEach(attributed::pipeInput);
        decisions.rejected.readRecordsToList().forEach(rejected::pipeInput);
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
