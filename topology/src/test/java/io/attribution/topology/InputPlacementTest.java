package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.IntStream;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records on another partition than Kafka's Java partitioner picks for their click id (a click
 * tracker on librdkafka hashes with CRC32) still meet. The driver reads every input from
 * partition 0 of two, so a click id that murmur2 puts on partition 1 stands for a misplaced one.
 */
class InputPlacementTest {

    private static final int PARTITIONS = 2;
    private static final String LOOP_TOPIC = "attribution-test-" + StoreNames.MISPLACED_INPUT_REPARTITION
            + "-repartition";
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");

    private TopologyHarness topology;

    private void start(Duration grace) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(grace)
                .withInputPartitions(PARTITIONS), NOW);
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());
    }

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void aMisplacedClickAndItsPostbacksAreAttributedOnce() {
        start(Duration.ZERO);
        TestOutputTopic<byte[], byte[]> loop = loopTopic();
        String clickId = clickIdOnPartition(1, 0);
        topology.click(click(clickId, "camp-1", NOW.minusSeconds(60)));
        RawPostback conversion = postback(clickId, NOW, "txn_id", "o1");
        RawPostback resend = postback(clickId, NOW.plusSeconds(1), "txn_id", "o1");
        topology.postback(conversion);
        topology.postback(resend);

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getRequestId)
                .containsExactly(conversion.getRequestId());
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
        // Once round for each, and never again: what the loop reads is where it belongs.
        assertThat(loop.readRecordsToList()).extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
                .containsExactly(clickId, clickId, clickId);
        assertThat(topology.driver.metrics()).anySatisfy((name, metric) -> {
            assertThat(name.group()).isEqualTo("stream-attribution-metrics");
            assertThat(name.name()).isEqualTo("misplaced-input-total");
            assertThat(metric.metricValue()).isEqualTo(3.0);
        });
    }

    @Test
    void aClickAndItsPostbacksOnTheirOwnPartitionNeverTakeTheLoop() {
        start(Duration.ZERO);
        TestOutputTopic<byte[], byte[]> loop = loopTopic();
        String clickId = clickIdOnPartition(0, 0);
        topology.click(click(clickId, "camp-1", NOW.minusSeconds(60)));
        topology.postback(postback(clickId, NOW, "txn_id", "o1"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        assertThat(loop.isEmpty()).isTrue();
    }

    @Test
    void aPostbackWaitingForAMisplacedClickIsReleasedWhenTheClickComesRound() {
        start(Duration.ofMinutes(10));
        String clickId = clickIdOnPartition(1, 0);
        RawPostback early = postback(clickId, NOW, "txn_id", "o1");
        topology.postback(early);
        topology.advanceWallClock(Duration.ofMinutes(1));
        assertThat(topology.attributed.isEmpty()).isTrue();

        topology.click(click(clickId, "camp-1", NOW.plusSeconds(30)));

        assertThat(topology.attributed.readValue().getRequestId()).isEqualTo(early.getRequestId());
        topology.advanceWallClock(Duration.ofMinutes(15));
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void aClickIsJoinedByTheClickIdItCarriesWhateverItsRecordKey() {
        start(Duration.ZERO);
        String placed = clickIdOnPartition(0, 0);
        String misplaced = clickIdOnPartition(1, 0);
        var clicks = topology.driver.createInputTopic(Topics.CLICKS.name(), new StringSerializer(),
                topology.serdes.valueSerializer(Topics.CLICKS));
        clicks.pipeInput(null, click(placed, "camp-1", NOW.minusSeconds(60)), NOW.minusSeconds(60));
        clicks.pipeInput("some-other-key", click(misplaced, "camp-1", NOW.minusSeconds(60)), NOW.minusSeconds(60));
        topology.postback(postback(placed, NOW));
        topology.postback(postback(misplaced, NOW));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getClickId)
                .containsExactly(placed, misplaced);
    }

    @Test
    void aMisplacedEdgeRefusalStillFindsItsClicksAffiliate() {
        start(Duration.ZERO);
        String clickId = clickIdOnPartition(1, 0);
        topology.click(click(clickId, "camp-1", NOW.minusSeconds(60)));
        RawPostback refused = postback(clickId, NOW, "campaign_id", "camp-1");
        refused.setEdgeRejection(RejectionReason.INVALID_TOKEN);
        refused.setEdgeRejectionDetail("wrong security_token");
        topology.postback(refused);

        assertThat(topology.rejected.readValue().getAffiliateId()).isEqualTo("aff-7");
    }

    @Test
    void theExpectedPartitionIsTheJavaProducers() {
        InputPlacement placement = InputPlacement.checkedAgainst(48);
        for (String clickId : new String[] {"c-1", "0b8e8d1c-4a5e-4bb5-9f0e-3f8d3b9f6f0a", "ünïcødé"}) {
            int javaProducer = Utils.toPositive(Utils.murmur2(new StringSerializer().serialize("clicks", clickId))) % 48;
            assertThat(placement.expected(clickId)).isEqualTo(javaProducer);
        }
    }

    @Test
    void aTaskOfAPartitionBeyondTheKnownCountFailsToStart() {
        MockProcessorContext<String, Outcome> context = new MockProcessorContext<>(new Properties(), new TaskId(0, 3),
                new File("unused"));

        assertThatThrownBy(() -> InputPlacement.checkedAgainst(3).init(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reads partition 3 but the topology was built for input topics of 3 partitions");
        InputPlacement.checkedAgainst(4).init(context);
        InputPlacement.alreadyPlaced().init(context);
    }

    private TestOutputTopic<byte[], byte[]> loopTopic() {
        return topology.driver.createOutputTopic(LOOP_TOPIC, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The n-th click id that Kafka's Java producer puts on {@code partition} of two. */
    static String clickIdOnPartition(int partition, int n) {
        InputPlacement placement = InputPlacement.checkedAgainst(PARTITIONS);
        return IntStream.iterate(0, i -> i + 1).mapToObj(i -> "click-" + i)
                .filter(id -> placement.expected(id) == partition).skip(n).findFirst().orElseThrow();
    }
}
