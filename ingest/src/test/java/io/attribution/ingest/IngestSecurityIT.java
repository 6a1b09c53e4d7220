package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.campaigns.SecurityToken;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The campaign protections answered synchronously by the edge, against the real server: each
 * refused request gets its 401/403, is recorded with the reason, and carries no clear token.
 */
class IngestSecurityIT {

    private static final String TOKEN = "tok-3f9a";
    private static final String SECRET = "hmac-key-1";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static RawPostbackTopic topic;
    private static IngestServer ingest;
    private static IngestServer behindProxy;

    @BeforeAll
    static void start() throws Exception {
        topic = RawPostbackTopic.create(kit);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        CampaignsTopic.write(kit, serdes,
                campaign("tokened").setSecurityToken(TOKEN).build(),
                campaign("signed").setSigningSecret(SECRET).build(),
                campaign("allow-listed").setAllowedIps(List.of("127.0.0.3/32", "::1")).build());
        ingest = IngestServer.start(IngestConfig.builder().port(0).build(), kit.bootstrapServers(), serdes);
        behindProxy = IngestServer.start(IngestConfig.builder().port(0).trustedProxies(List.of("127.0.0.4")).build(),
                kit.bootstrapServers(), serdes);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {ingest, behindProxy}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    @Test
    void wrongOrMissingTokenIs401AndRecordedButTheRightTokenPasses() throws Exception {
        IngestHttp http = new IngestHttp(ingest.uri());

        IngestHttp.Answer wrong = http.get("/postback?click_id=c1&campaign_id=tokened&security_token=guess");
        IngestHttp.Answer missing = http.get("/postback?click_id=c1&campaign_id=tokened");
        IngestHttp.Answer right = http.get("/postback?click_id=c1&campaign_id=tokened&security_token=" + TOKEN);

        assertRefused(wrong, 401, RejectionReason.INVALID_TOKEN);
        assertRefused(missing, 401, RejectionReason.INVALID_TOKEN);
        assertThat(right.status()).as(right.rawBody()).isEqualTo(200);
        RawPostback accepted = topic.awaitRecord(right.requestId()).value();
        assertThat(accepted.getAuthenticatedCampaignId()).isEqualTo("tokened");
        assertThat(accepted.getEdgeRejection()).isNull();
        assertThat(accepted.getQueryParams().get("security_token"))
                .as("the token is stored as its digest only").containsExactly(SecurityToken.digest(TOKEN));
    }

    @Test
    void forgedStaleAndReplayedSignaturesAre401() throws Exception {
        IngestHttp http = new IngestHttp(ingest.uri());
        String query = "click_id=c2&campaign_id=signed&goal_value=sale";
        long now = Instant.now().getEpochSecond();
        String good = RequestSignature.sign(SECRET, Long.toString(now), "GET", "/postback", query, new byte[0]);

        IngestHttp.Answer forged = http.signedGet(query, now, RequestSignature.sign("not-the-secret",
                Long.toString(now), "GET", "/postback", query, new byte[0]));
        IngestHttp.Answer tampered = http.signedGet(query + "&sale_amount=1000", now, good);
        IngestHttp.Answer stale = http.signedGet(query, now - 3600, RequestSignature.sign(SECRET,
                Long.toString(now - 3600), "GET", "/postback", query, new byte[0]));
        IngestHttp.Answer signed = http.signedGet(query, now, good);
        IngestHttp.Answer replayed = http.signedGet(query, now, good);

        assertRefused(forged, 401, RejectionReason.INVALID_TOKEN);
        assertRefused(tampered, 401, RejectionReason.INVALID_TOKEN);
        assertRefused(stale, 401, RejectionReason.INVALID_TOKEN);
        assertThat(signed.status()).as(signed.rawBody()).isEqualTo(200);
        assertThat(topic.awaitRecord(signed.requestId()).value().getAuthenticatedCampaignId()).isEqualTo("signed");
        assertRefused(replayed, 401, RejectionReason.INVALID_TOKEN);
        assertThat(replayed.field("message")).contains("replay");
    }

    @Test
    void signedPostBodyIsPartOfTheSignature() throws Exception {
        IngestHttp http = new IngestHttp(ingest.uri());
        String query = "campaign_id=signed";
        String body = "click_id=c3&sale_amount=12.00";
        long now = Instant.now().getEpochSecond();
        String signature = RequestSignature.sign(SECRET, Long.toString(now), "POST", "/postback", query,
                body.getBytes(StandardCharsets.UTF_8));

        IngestHttp.Answer answer = http.send(http.request("/postback?" + query)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(RequestSignature.SIGNATURE_HEADER, "sha256=" + signature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        IngestHttp.Answer otherBody = http.send(http.request("/postback?" + query)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(RequestSignature.SIGNATURE_HEADER, "sha256=" + signature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("click_id=c3&sale_amount=99.00")).build());

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(200);
        assertRefused(otherBody, 401, RejectionReason.INVALID_TOKEN);
    }

    @Test
    void addressOutsideTheAllowListIs403() throws Exception {
        URI uri = ingest.uri();
        String query = "/postback?click_id=c4&campaign_id=allow-listed";

        int outside = RawHttpClient.get(uri, "127.0.0.2", query);
        int inside = RawHttpClient.get(uri, "127.0.0.3", query);

        assertThat(outside).isEqualTo(403);
        assertThat(inside).isEqualTo(200);
    }

    @Test
    void forwardedForIsBelievedOnlyFromATrustedProxy() throws Exception {
        String spoofing = "GET /postback?click_id=c5&campaign_id=allow-listed HTTP/1.1\r\nHost: ingest\r\n"
                + "X-Forwarded-For: 127.0.0.3\r\nConnection: close\r\n\r\n";

        int fromUntrustedPeer;
        try (RawHttpClient client = new RawHttpClient(behindProxy.uri(), "127.0.0.2")) {
            client.send(spoofing);
            fromUntrustedPeer = client.status();
        }
        int fromTrustedProxy;
        try (RawHttpClient client = new RawHttpClient(behindProxy.uri(), "127.0.0.4")) {
            client.send(spoofing);
            fromTrustedProxy = client.status();
        }
        int proxyForwardingAnOutsider;
        try (RawHttpClient client = new RawHttpClient(behindProxy.uri(), "127.0.0.4")) {
            client.send(spoofing.replace("X-Forwarded-For: 127.0.0.3", "X-Forwarded-For: 127.0.0.3, 127.0.0.9"));
            proxyForwardingAnOutsider = client.status();
        }

        assertThat(fromUntrustedPeer).as("a client cannot claim an allowed address").isEqualTo(403);
        assertThat(fromTrustedProxy).isEqualTo(200);
        assertThat(proxyForwardingAnOutsider).as("the nearest untrusted hop is the client").isEqualTo(403);
    }

    @Test
    void forwardedForOverSeveralHeaderLinesIsOneListInOrder() throws Exception {
        String request = "GET /postback?click_id=c6&campaign_id=allow-listed HTTP/1.1\r\nHost: ingest\r\n"
                + "X-Forwarded-For: %s\r\nX-Forwarded-For: %s\r\nConnection: close\r\n\r\n";

        int clientInTheLastLine;
        try (RawHttpClient client = new RawHttpClient(behindProxy.uri(), "127.0.0.4")) {
            client.send(request.formatted("127.0.0.9", "127.0.0.3"));
            clientInTheLastLine = client.status();
        }
        int spoofInTheFirstLine;
        try (RawHttpClient client = new RawHttpClient(behindProxy.uri(), "127.0.0.4")) {
            client.send(request.formatted("127.0.0.3", "127.0.0.9"));
            spoofInTheFirstLine = client.status();
        }

        assertThat(clientInTheLastLine).as("the proxy appended the client in a line of its own").isEqualTo(200);
        assertThat(spoofInTheFirstLine).as("what the client wrote before the proxy's line is not the client")
                .isEqualTo(403);
    }

    private static void assertRefused(IngestHttp.Answer answer, int status, RejectionReason reason) {
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(status);
        assertThat(answer.field("error")).isEqualTo(reason.name());
        RawPostback recorded = topic.awaitRecord(answer.requestId()).value();
        assertThat(recorded.getEdgeRejection()).isEqualTo(reason);
        assertThat(recorded.getAuthenticatedCampaignId()).isNull();
        assertThat(String.valueOf(recorded.getQueryParams())).doesNotContain(TOKEN);
    }

    private static Campaign.Builder campaign(String id) {
        return Campaign.newBuilder().setCampaignId(id).setAdvertiserId("adv-" + id).setGoals(List.of());
    }
}
