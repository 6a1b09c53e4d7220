package io.attribution.topology;

import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outcome the producer would refuse as too large goes to the dead-letter topic, named by the
 * input it came from, and the next outcome is written: under exactly-once a refused send would abort
 * the transaction and fail the task on every retry.
 */
class OutcomeSizeTest {

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW,
                Path.of(System.getProperty("java.io.tmpdir")),
                Map.of(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), "3000"));
        topology.campaign(campaign("c", fixedGoal("install", "install", "1", "2")).setDefaultGoalId("install").build());
        topology.click(click("k-1", "c", NOW.minus(Duration.ofMinutes(1))));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void anOutcomeTooLargeIsDeadLetteredAndTheNextIsWritten() {
        // Within the postback bounds (1 KiB a value, 4 KiB in all), too large for this producer.
        String note = "n".repeat(1000);
        topology.postback(postback("k-1", NOW, "goal_value", "install", "note1", note, "note2", note, "note3", note));
        topology.postback(postback("k-1", NOW, "goal_value", "install", "txn_id", "t-2"));

        TestRecord<byte[], byte[]> deadLetter = topology.deadLetters.readRecord();
        assertThat(new String(deadLetter.key(), StandardCharsets.UTF_8)).isEqualTo("k-1");
        assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("RECORD_TOO_LARGE");
        assertThat(header(deadLetter, DeadLetters.TARGET_TOPIC)).isEqualTo(Topics.CONVERSIONS_ATTRIBUTED.name());
        assertThat(header(deadLetter, DeadLetters.TOPIC)).isEqualTo(Topics.POSTBACKS_RAW.name());
        assertThat(header(deadLetter, DeadLetters.OFFSET)).isEqualTo("0");
        assertThat(topology.deadLetters.isEmpty()).isTrue();
        assertThat(topology.attributed.readValue().getTxnId()).isEqualTo("t-2");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
