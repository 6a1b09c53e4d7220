package io.attribution.ingest;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.LandingUrl;
import io.attribution.http.JsonAnswers;
import io.attribution.postback.ClickParameters;
import io.attribution.postback.InvalidParameterException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /click?campaign_id=..&affiliate_id=..&sub1=..}: the tracking link. Issues a click_id,
 * writes the click to {@code clicks} and sends the visitor on to the campaign's landing URL (302)
 * with the click's macros filled in. 404 for an unknown campaign, 410 for a paused one, 409 for one
 * without a landing URL, 400 for a missing or malformed parameter: nothing is written then. 503
 * with Retry-After when the click could not be stored, or the campaigns cannot be relied on: a
 * visitor is never redirected with a click that was not written.
 */
final class ClickServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ClickServlet.class);
    private static final String FORWARDED_FOR = "X-Forwarded-For";
    /** Longer than any real user agent or referrer; keeps one header from filling a click alone. */
    private static final int MAX_HEADER_CHARS = 1024;

    private final ClickPublisher publisher;
    private final CampaignCatalog campaigns;
    private final ClientAddress clientAddress;
    private final ClickDurability durability;
    private final StoredAnswers answers;
    private final Clock clock;
    private final long retryAfterSeconds;

    ClickServlet(ClickPublisher publisher, CampaignCatalog campaigns, ClientAddress clientAddress,
                 ClickDurability durability, StoredAnswers answers, Clock clock, long retryAfterSeconds) {
        this.publisher = publisher;
        this.campaigns = campaigns;
        this.clientAddress = clientAddress;
        this.durability = durability;
        this.answers = answers;
        this.clock = clock;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** HEAD is what link checkers send: it must not count as a click. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET");
        PostbackAnswers.rejected(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", null,
                "HEAD does not record a click: follow the link with GET");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ClickParameters parameters;
        String campaignId;
        String affiliateId;
        Map<String, String> subs;
        try {
            parameters = ClickParameters.of(BodyParameters.form(request.getQueryString()));
            campaignId = parameters.campaignId();
            affiliateId = parameters.affiliateId();
            subs = parameters.subs();
        } catch (InvalidParameterException e) {
            PostbackAnswers.rejected(response, HttpServletResponse.SC_BAD_REQUEST,
                    e.isMissing() ? "MISSING_PARAMETER" : "MALFORMED", e.parameter(), e.getMessage());
            return;
        } catch (UnsupportedBodyException e) {
            PostbackAnswers.rejected(response, e.status(), "MALFORMED", null, e.getMessage());
            return;
        }
        CampaignCatalog.Health health = campaigns.health();
        if (!health.isCurrent()) {
            unavailable(response, "the campaigns cannot be relied on now (campaign catalog " + health.state() + ")");
            return;
        }
        Optional<Campaign> named = campaigns.get(campaignId);
        if (named.isEmpty()) {
            PostbackAnswers.rejected(response, HttpServletResponse.SC_NOT_FOUND, "UNKNOWN_CAMPAIGN",
                    ClickParameters.CAMPAIGN_ID, "no campaign '" + campaignId + "'");
            return;
        }
        Campaign campaign = named.get();
        if (campaign.getStatus() == ActivityStatus.PAUSED) {
            PostbackAnswers.rejected(response, HttpServletResponse.SC_GONE, "CAMPAIGN_PAUSED",
                    ClickParameters.CAMPAIGN_ID, "campaign '" + campaignId + "' is paused: it takes no clicks");
            return;
        }
        Optional<String> template = LandingUrl.templateFor(campaign, affiliateId);
        if (template.isEmpty()) {
            PostbackAnswers.rejected(response, HttpServletResponse.SC_CONFLICT, "NO_LANDING_URL",
                    ClickParameters.CAMPAIGN_ID, "campaign '" + campaignId + "' has no landing_url to send the"
                            + " visitor to: set one in the campaign");
            return;
        }
        Click click = click(request, campaignId, affiliateId, subs);
        String location = LandingUrl.fill(template.get(), macroValues(click));
        CompletableFuture<RecordMetadata> stored = publisher.publish(click);
        if (durability == ClickDurability.NONE) {
            // Redirected once the producer holds the click; only a click it would not take gets a 503.
            if (stored.isCompletedExceptionally()) {
                notStored(response, click, stored.handle((metadata, error) -> error).join());
            } else {
                redirect(response, click.getClickId(), location);
            }
            return;
        }
        answers.answerOnceStored(request.startAsync(), click.getClickId(), then -> stored.whenComplete(then),
                new StoredAnswers.Reply() {
                    @Override
                    public void stored(HttpServletResponse response) throws IOException {
                        redirect(response, click.getClickId(), location);
                    }

                    @Override
                    public void notStored(HttpServletResponse response, Throwable error) throws IOException {
                        ClickServlet.this.notStored(response, click, error);
                    }
                });
    }

    private Click click(HttpServletRequest request, String campaignId, String affiliateId, Map<String, String> subs) {
        String forwardedFor = ClientAddress.forwardedFor(Collections.list(request.getHeaders(FORWARDED_FOR)));
        return Click.newBuilder()
                .setClickId(ClickIds.next())
                .setCampaignId(campaignId)
                .setAffiliateId(affiliateId)
                .setClickedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setIp(clientAddress.resolve(request.getRemoteAddr(), forwardedFor))
                .setUserAgent(bounded(request.getHeader("User-Agent")))
                .setReferrer(bounded(request.getHeader("Referer")))
                .setSubs(subs)
                .build();
    }

    private static String bounded(String header) {
        return header == null ? null : RefusalRecords.text(header, MAX_HEADER_CHARS);
    }

    private static Map<String, String> macroValues(Click click) {
        Map<String, String> values = new HashMap<>(click.getSubs());
        values.put(LandingUrl.CLICK_ID, click.getClickId());
        values.put(LandingUrl.CAMPAIGN_ID, click.getCampaignId());
        values.put(LandingUrl.AFFILIATE_ID, click.getAffiliateId());
        return values;
    }

    private void notStored(HttpServletResponse response, Click click, Throwable error) throws IOException {
        LOG.warn("Click {} of campaign {} not stored: {}", click.getClickId(), click.getCampaignId(), error.toString());
        unavailable(response, "the click was not stored");
    }

    private void unavailable(HttpServletResponse response, String why) throws IOException {
        PostbackAnswers.unavailable(response, retryAfterSeconds,
                why + "; follow the link again after " + retryAfterSeconds + " seconds");
    }

    /** 302 with the landing URL; the body names the click for clients that do not follow redirects. */
    private static void redirect(HttpServletResponse response, String clickId, String location) throws IOException {
        response.setHeader("Location", location);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", "redirected");
        body.put("click_id", clickId);
        body.put("location", location);
        JsonAnswers.write(response, HttpServletResponse.SC_FOUND, body);
    }
}
