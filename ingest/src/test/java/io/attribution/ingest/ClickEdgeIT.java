package io.attribution.ingest;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /click} against a real broker and registry: a click is written once, with what the request
 * said, under a fresh click_id, and the visitor is sent on to the campaign's landing URL with its
 * macros filled; a click the edge cannot send anywhere writes nothing.
 */
class ClickEdgeIT {

    private static final String LANDING = "https://shop.example/land?cid={click_id}&camp={campaign_id}"
            + "&aff={affiliate_id}&s1={sub1}&s2={sub2}&s15={sub15}";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static TopicRecords<Click> clicks;
    private static IngestServer ingest;
    private static IngestServer fireAndForget;
    private static IngestHttp http;

    @BeforeAll
    static void startEdges() throws Exception {
        clicks = ClicksTopic.create(kit);
        RawPostbackTopic.create(kit);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        CampaignsTopic.write(kit, serdes,
                campaign("click-it-live").setLandingUrl(LANDING)
                        .setAffiliateLandingUrls(Map.of("aff-vip", "https://vip.example/{click_id}")).build(),
                campaign("click-it-paused").setLandingUrl(LANDING).setStatus(ActivityStatus.PAUSED).build(),
                campaign("click-it-no-landing").build());
        ingest = IngestServer.start(IngestConfig.builder().port(0).build(), kit.bootstrapServers(), serdes);
        fireAndForget = IngestServer.start(IngestConfig.builder().port(0).clickDurability(ClickDurability.NONE).build(),
                kit.bootstrapServers(), serdes);
        http = new IngestHttp(ingest.uri());
    }

    @AfterAll
    static void stopEdges() {
        if (ingest != null) {
            ingest.close();
        }
        if (fireAndForget != null) {
            fireAndForget.close();
        }
    }

    @Test
    void aClickIsWrittenOnceWithWhatTheRequestSaidAndRedirectsWithItsMacrosFilledAndEncoded() throws Exception {
        long before = clicks.endOffset();
        Instant sent = Instant.now();

        IngestHttp.Answer answer = http.send(http.request("/click?campaign_id=click-it-live&affiliate_id=aff%201"
                        + "&sub1=a%26b%3Dc&sub2=%C3%A9t%C3%A9%20%2F%3F&sub15=last&sub16=dropped&other=ignored")
                .header("Referer", "https://publisher.example/page")
                .GET().build());

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(302);
        String clickId = answer.field("click_id");
        assertThat(clickId).matches("[A-Za-z0-9_-]{22}");
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("https://shop.example/land?cid=" + clickId + "&camp=click-it-live"
                + "&aff=aff%201&s1=a%26b%3Dc&s2=%C3%A9t%C3%A9%20%2F%3F&s15=last");
        assertThat(URI.create(location).getQuery()).as("decodes back to what was sent")
                .isEqualTo("cid=" + clickId + "&camp=click-it-live&aff=aff 1&s1=a&b=c&s2=été /?&s15=last");
        assertThat(answer.field("location")).isEqualTo(location);

        List<ConsumerRecord<String, Click>> written = clicks.recordsFrom(before, clickId);
        assertThat(written).as("exactly one click written").hasSize(1);
        ConsumerRecord<String, Click> record = written.get(0);
        Click click = record.value();
        assertThat(record.key()).isEqualTo(clickId);
        assertThat(click.getClickId()).isEqualTo(clickId);
        assertThat(click.getCampaignId()).isEqualTo("click-it-live");
        assertThat(click.getAffiliateId()).isEqualTo("aff 1");
        assertThat(click.getSubs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sub1", "a&b=c", "sub2", "été /?", "sub15", "last"));
        assertThat(click.getIp()).isEqualTo("127.0.0.1");
        assertThat(click.getUserAgent()).isEqualTo(IngestHttp.USER_AGENT);
        assertThat(click.getReferrer()).isEqualTo("https://publisher.example/page");
        assertThat(click.getClickedAt()).isCloseTo(sent, within(java.time.Duration.ofSeconds(5)));
    }

    /** Only the admin API's postback tester issues test clicks: their conversions pay no affiliate. */
    @Test
    void aTrackingLinkNeverMakesATestClickWhateverItSays() throws Exception {
        long before = clicks.endOffset();

        IngestHttp.Answer answer = http.get("/click?campaign_id=click-it-live&affiliate_id=aff-t&test=true&sub1=x");

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(302);
        assertThat(clicks.recordsFrom(before, answer.field("click_id"))).singleElement()
                .satisfies(record -> assertThat(record.value().getTest()).isFalse());
    }

    @Test
    void networkAliasesNameTheCampaignAndAffiliateAndAnAffiliateOverrideWins() throws Exception {
        IngestHttp.Answer byOffer = http.get("/click?offer_id=click-it-live&aff_id=aff-7");
        IngestHttp.Answer byCampaign = http.get("/click?campaign=click-it-live&affiliate=aff-vip");

        assertThat(byOffer.status()).as(byOffer.rawBody()).isEqualTo(302);
        assertThat(byOffer.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).contains("camp=click-it-live&aff=aff-7&s1=&s2=&s15="));
        assertThat(byCampaign.status()).as(byCampaign.rawBody()).isEqualTo(302);
        assertThat(byCampaign.headers().firstValue("Location"))
                .hasValue("https://vip.example/" + byCampaign.field("click_id"));
        assertThat(byOffer.field("click_id")).isNotEqualTo(byCampaign.field("click_id"));
    }

    @Test
    void unknownPausedWithoutLandingUrlOrMalformedClicksAreRefusedAndWriteNothing() throws Exception {
        long before = clicks.endOffset();

        IngestHttp.Answer unknown = http.get("/click?campaign_id=click-it-nobody&affiliate_id=aff-1");
        IngestHttp.Answer paused = http.get("/click?campaign_id=click-it-paused&affiliate_id=aff-1");
        IngestHttp.Answer noLanding = http.get("/click?campaign_id=click-it-no-landing&affiliate_id=aff-1");
        IngestHttp.Answer noAffiliate = http.get("/click?campaign_id=click-it-live");
        IngestHttp.Answer conflicting = http.get("/click?campaign_id=click-it-live&offer_id=other&affiliate_id=a");
        IngestHttp.Answer head = http.send(http.request("/click?campaign_id=click-it-live&affiliate_id=a")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());

        assertRefused(unknown, 404, "UNKNOWN_CAMPAIGN", "campaign_id");
        assertThat(unknown.field("message")).contains("click-it-nobody");
        assertRefused(paused, 410, "CAMPAIGN_PAUSED", "campaign_id");
        assertRefused(noLanding, 409, "NO_LANDING_URL", "campaign_id");
        assertRefused(noAffiliate, 400, "MISSING_PARAMETER", "affiliate_id");
        assertRefused(conflicting, 400, "MALFORMED", "campaign_id");
        assertThat(head.status()).isEqualTo(405);

        IngestHttp.Answer marker = http.get("/click?campaign_id=click-it-live&affiliate_id=marker");
        assertThat(marker.status()).isEqualTo(302);
        assertThat(clicks.recordsFrom(before, marker.field("click_id"))).as("only the marker was written")
                .extracting(record -> record.value().getAffiliateId()).containsExactly("marker");
    }

    @Test
    void fireAndForgetRedirectsAndTheClickIsStoredAllTheSame() throws Exception {
        long before = clicks.endOffset();

        IngestHttp.Answer answer = new IngestHttp(fireAndForget.uri())
                .get("/click?campaign_id=click-it-live&affiliate_id=fast&sub1=x");

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(302);
        String clickId = answer.field("click_id");
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).startsWith("https://shop.example/land?cid=" + clickId + "&"));
        assertThat(clicks.recordsFrom(before, clickId)).extracting(record -> record.value().getAffiliateId())
                .containsExactly("fast");
    }

    private static void assertRefused(IngestHttp.Answer answer, int status, String error, String field) {
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
        assertThat(answer.field("status")).isEqualTo("rejected");
        assertThat(answer.field("error")).isEqualTo(error);
        assertThat(answer.field("field")).isEqualTo(field);
    }

    private static Campaign.Builder campaign(String id) {
        return Campaign.newBuilder().setCampaignId(id).setAdvertiserId("adv-" + id).setGoals(List.of());
    }
}
