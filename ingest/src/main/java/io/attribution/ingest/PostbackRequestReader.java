package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.campaigns.SecurityToken;
import io.attribution.postback.PostbackParameters;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns an HTTP request into the RawPostback written to Kafka: every parameter kept as sent (but
 * the security token, kept as its digest), the known ones validated first so that a bad postback
 * is refused before anything is written, and the edge's verdict on the campaign's protections.
 */
final class PostbackRequestReader {

    /** A postback ready to store, and the answer it gets once stored. */
    record Incoming(RawPostback postback, EdgeVerdict verdict) {
    }

    private final Clock clock;
    private final ClientAddress clientAddress;
    private final EdgeGuard guard;

    PostbackRequestReader(Clock clock, ClientAddress clientAddress, EdgeGuard guard) {
        this.clock = clock;
        this.clientAddress = clientAddress;
        this.guard = guard;
    }

    /**
     * @throws io.attribution.postback.InvalidParameterException a known parameter is missing or malformed
     * @throws UnsupportedBodyException                          the body cannot be read as parameters
     * @throws IOException                                       the body could not be read (too large, client gone)
     */
    Incoming read(HttpServletRequest request) throws UnsupportedBodyException, IOException {
        byte[] body = "POST".equals(request.getMethod()) ? request.getInputStream().readAllBytes() : new byte[0];
        Map<String, List<String>> query = BodyParameters.form(request.getQueryString());
        Map<String, List<String>> bodyParams = BodyParameters.parse(request.getContentType(), body);
        PostbackParameters parameters = PostbackParameters.of(query, bodyParams).validate();
        String forwardedFor = request.getHeader("X-Forwarded-For");
        String clientIp = clientAddress.resolve(request.getRemoteAddr(), forwardedFor);
        EdgeVerdict verdict = guard.check(request, body, parameters, clientIp);
        RawPostback postback = RawPostback.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setReceivedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setClickId(parameters.clickId())
                .setMethod(request.getMethod())
                .setQueryParams(withTokenDigests(query))
                .setBodyParams(withTokenDigests(bodyParams))
                .setContentType(request.getContentType())
                .setRemoteAddr(request.getRemoteAddr())
                .setForwardedFor(forwardedFor)
                .setUserAgent(request.getHeader("User-Agent"))
                .setClientIp(clientIp)
                .setAuthenticatedCampaignId(verdict.authenticatedCampaignId())
                .setEdgeRejection(verdict.refusal())
                .setEdgeRejectionDetail(verdict.detail())
                .build();
        return new Incoming(postback, verdict);
    }

    private static Map<String, List<String>> withTokenDigests(Map<String, List<String>> params) {
        Map<String, List<String>> copy = new LinkedHashMap<>(params);
        for (String name : PostbackParameters.securityTokenNames()) {
            copy.computeIfPresent(name, (n, tokens) -> tokens.stream().map(SecurityToken::digest).toList());
        }
        return copy;
    }
}
