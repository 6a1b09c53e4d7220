package io.attribution.admin;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;

/**
 * Issues the postback tester's clicks: {@code test=true}, so that whatever they convert is a test
 * conversion (out of stats and caps, no affiliate postback). The only writer of test clicks: the
 * public {@code /click} never sets the flag, and the topology takes it from the click alone, so an
 * advertiser cannot make a real conversion a test one.
 */
final class TestClicks implements AutoCloseable {

    /** The affiliate a test click is of when the caller names none. */
    static final String DEFAULT_AFFILIATE = "postback-tester";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final KafkaProducer<String, Click> producer;
    private final Clock clock;
    // Few test clicks are issued: one generator is enough, and 128 bits make a click id unguessable.
    private final SecureRandom random = new SecureRandom();

    TestClicks(KafkaClientSettings cluster, RecordSerdes serdes, Clock clock) {
        this.producer = new KafkaProducer<>(ProducerSettings.safe(cluster, "postback-tester-clicks"),
                new StringSerializer(), serdes.valueSerializer(Topics.CLICKS));
        this.clock = clock;
    }

    /**
     * Writes a test click of the campaign, acknowledged by the broker (acks=all) before it returns.
     *
     * @throws NoSuchElementException   no such campaign
     * @throws IllegalArgumentException the campaign is paused: its postbacks would be rejected CAMPAIGN_PAUSED
     */
    Click issue(Campaign campaign, String affiliateId) throws ExecutionException, InterruptedException {
        if (campaign.getStatus() == ActivityStatus.PAUSED) {
            throw new IllegalArgumentException("campaign '" + campaign.getCampaignId()
                    + "' is paused: resume it to test it");
        }
        Click click = Click.newBuilder()
                .setClickId(nextClickId())
                .setCampaignId(campaign.getCampaignId())
                .setAffiliateId(affiliateId)
                .setClickedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setSubs(Map.of())
                .setTest(true)
                .build();
        producer.send(new ProducerRecord<>(Topics.CLICKS.name(), click.getClickId(), click)).get();
        return click;
    }

    private String nextClickId() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return BASE64URL.encodeToString(bits);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
