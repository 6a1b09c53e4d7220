package io.attribution.app;

import io.attribution.admin.CampaignFiles;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The embedded default's demo: a campaign with two goals and a landing URL, from the bundled
 * campaign file {@code demo-campaigns.yaml}, and a few clicks, so a newcomer can fire a postback at
 * once, or make a click of their own through {@code /click}.
 */
public final class DemoData {

    public static final String CAMPAIGNS_FILE = "demo-campaigns.yaml";
    public static final String CAMPAIGN_ID = "demo-campaign";
    public static final List<String> CLICK_IDS = List.of("demo-click-1", "demo-click-2", "demo-click-3");
    /** The affiliate of the banner's tracking link. */
    public static final String CLICK_AFFILIATE = "demo-affiliate-1";

    private DemoData() {
    }

    public static List<Campaign> campaigns() {
        try (InputStream file = DemoData.class.getClassLoader().getResourceAsStream(CAMPAIGNS_FILE)) {
            if (file == null) {
                throw new IllegalStateException(CAMPAIGNS_FILE + " is missing from the classpath");
            }
            return CampaignFiles.read(CAMPAIGNS_FILE, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Campaign campaign() {
        return campaigns().stream().filter(c -> c.getCampaignId().equals(CAMPAIGN_ID)).findFirst().orElseThrow();
    }

    /** The demo's clicks, made now, so that a postback for one is within the campaign's window. */
    public static List<Click> clicks() {
        Instant now = Instant.now();
        return IntStream.range(0, CLICK_IDS.size()).mapToObj(i -> Click.newBuilder().setClickId(CLICK_IDS.get(i))
                .setCampaignId(CAMPAIGN_ID).setAffiliateId("demo-affiliate-" + (i + 1)).setClickedAt(now)
                .setSubs(Map.of("sub1", "demo")).build()).toList();
    }
}
