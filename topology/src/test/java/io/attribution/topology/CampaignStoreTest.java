package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.RejectionReason;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever is written to the campaigns topic, the global campaign store keeps only valid campaigns:
 * a record it cannot read or that breaks a rule goes to the dead-letter topic with its source
 * headers and a reason, and the last good version of that campaign stays in force.
 */
class CampaignStoreTest {

    private static final Goal SALE_10 = percentGoal("sale", "sale", "10", "15");
    private static final Goal SALE_20 = percentGoal("sale", "sale", "20", "25");

    private TopologyHarness topology;
    private int clicks;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(campaign("c", SALE_10).setDefaultGoalId("sale").build());
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void garbageIsDeadLetteredWithItsHeadersAndThePreviousVersionStays() {
        byte[] garbage = {0x13, 0x37, 0x00, 0x01, 0x02, 0x03, (byte) 0xff, 0x7f, 0x10, 0x20};
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));

        topology.campaignRecord(utf8("c"), garbage, headers);

        assertThat(topology.campaignDeadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.topic()).isEqualTo(Topics.DEAD_LETTERS);
            assertThat(deadLetter.key()).isEqualTo(utf8("c"));
            assertThat(deadLetter.value()).isEqualTo(garbage);
            assertThat(header(deadLetter, "trace")).isEqualTo("t-1");
            assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("UNREADABLE");
            assertThat(header(deadLetter, DeadLetters.TOPIC)).isEqualTo(Topics.CAMPAIGNS.name());
            assertThat(header(deadLetter, DeadLetters.PARTITION)).isEqualTo("0");
            assertThat(header(deadLetter, DeadLetters.OFFSET)).isEqualTo("1");
            assertThat(header(deadLetter, DeadLetters.EXCEPTION)).isNotBlank();
        });
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");
    }

    @Test
    void aCampaignThatBreaksARuleIsDeadLetteredAndThePreviousVersionStays() {
        Campaign unknownDefaultGoal = campaign("c", SALE_20).setDefaultGoalId("lead").build();

        topology.campaign(unknownDefaultGoal);

        assertThat(topology.campaignDeadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("INVALID");
            assertThat(header(deadLetter, DeadLetters.MESSAGE)).contains("default_goal_id");
        });
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");
    }

    @Test
    void aCampaignFiledUnderAnotherKeyIsDeadLettered() {
        Campaign other = campaign("other", SALE_20).build();

        topology.campaignRecord(utf8("c"), topology.serdes.valueSerializer(Topics.CAMPAIGNS)
                .serialize(Topics.CAMPAIGNS.name(), other), new RecordHeaders());

        assertThat(topology.campaignDeadLetters).singleElement().satisfies(deadLetter ->
                assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("INVALID"));
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");
    }

    @Test
    void aKeyThatIsNotUtf8IsDeadLettered() {
        topology.campaignRecord(new byte[] {(byte) 0xc3, 0x28}, new byte[] {1, 2, 3}, new RecordHeaders());

        assertThat(topology.campaignDeadLetters).singleElement().satisfies(deadLetter ->
                assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("BAD_KEY"));
    }

    @Test
    void aValidNewVersionAfterABadRecordTakesEffect() {
        topology.campaignRecord(utf8("c"), new byte[10], new RecordHeaders());
        topology.campaign(campaign("c", SALE_20).setDefaultGoalId("sale").build());

        assertThat(topology.campaignDeadLetters).hasSize(1);
        assertThat(payoutOfASale()).isEqualByComparingTo("20.00");
    }

    @Test
    void aCampaignIsDecodedOnceByEachReaderUntilItChangesNotOnEveryPostback() {
        payoutOfASale();
        long decodedOnce = topology.serdes.decoded(Campaign.class);

        for (int sale = 0; sale < 5; sale++) {
            assertThat(payoutOfASale()).isEqualByComparingTo("10.00");
        }

        assertThat(topology.serdes.decoded(Campaign.class)).isEqualTo(decodedOnce);
    }

    @Test
    void everyChangeOfACampaignIsSeenByThePostbacksAfterIt() {
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");

        topology.campaign(campaign("c", SALE_20).setDefaultGoalId("sale").build());
        assertThat(payoutOfASale()).isEqualByComparingTo("20.00");
        assertThat(payoutOfASale()).isEqualByComparingTo("20.00");

        topology.campaign(campaign("c", SALE_10).setDefaultGoalId("sale").build());
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");

        topology.deleteCampaign("c");
        String clickId = "click-" + ++clicks;
        topology.click(click(clickId, "c", NOW.minus(Duration.ofMinutes(5))));
        topology.postback(postback(clickId, NOW, "goal_value", "sale", "sale_amount", "100"));
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.UNKNOWN_CAMPAIGN);
    }

    private BigDecimal payoutOfASale() {
        String clickId = "click-" + ++clicks;
        topology.click(click(clickId, "c", NOW.minus(Duration.ofMinutes(5))));
        topology.postback(postback(clickId, NOW, "goal_value", "sale", "sale_amount", "100"));
        assertThat(topology.rejected.isEmpty()).as("no rejection").isTrue();
        AttributedConversion conversion = topology.attributed.readValue();
        return conversion.getPayout();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
