package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.campaigns.SecurityToken;
import io.attribution.postback.InvalidParameterException;
import io.attribution.postback.PostbackParameters;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an HTTP request into the RawPostback written to Kafka: every parameter kept as sent (but
 * the security token, kept as its digest), the known ones validated first so that a bad postback
 * is refused before it reaches attribution, and the edge's verdict on the campaign's protections.
 * A request that cannot be read as a postback is refused with the record of it the postback log
 * keeps, bounded by {@link RefusalRecords}.
 */
final class PostbackRequestReader {

    /** A postback ready to store, and the answer it gets once stored. */
    record Incoming(RawPostback postback, EdgeVerdict verdict) {
    }

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final Clock clock;
    private final ClientAddress clientAddress;
    private final EdgeGuard guard;
    private final long maxBodyBytes;

    PostbackRequestReader(Clock clock, ClientAddress clientAddress, EdgeGuard guard, long maxBodyBytes) {
        this.clock = clock;
        this.clientAddress = clientAddress;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * @throws RefusedRequest a known parameter is missing or malformed, or the body cannot be read
     *                        as parameters (too large, another media type, bad syntax)
     * @throws IOException    the body could not be read (client gone)
     */
    Incoming read(HttpServletRequest request) throws RefusedRequest, IOException {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String forwardedFor = ClientAddress.forwardedFor(Collections.list(request.getHeaders(FORWARDED_FOR)));
        String clientIp = clientAddress.resolve(request.getRemoteAddr(), forwardedFor);
        Map<String, List<String>> query = Map.of();
        Map<String, List<String>> bodyParams = Map.of();
        try {
            query = BodyParameters.form(request.getQueryString());
            byte[] body = body(request);
            bodyParams = BodyParameters.parse(request.getContentType(), body);
            PostbackParameters parameters = PostbackParameters.of(query, bodyParams).validate();
            PresentedToken token = new PresentedToken(parameters);
            EdgeVerdict verdict = guard.check(request, body, parameters, clientIp, token);
            // Nothing throws past this point: the maps are ours, their tokens are replaced in place.
            replaceTokens(query, token);
            replaceTokens(bodyParams, token);
            RawPostback postback = RawPostback.newBuilder()
                    .setRequestId(RequestIds.next())
                    .setReceivedAt(receivedAt)
                    .setClickId(parameters.clickId())
                    .setMethod(request.getMethod())
                    .setQueryParams(query)
                    .setBodyParams(bodyParams)
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
        } catch (InvalidParameterException e) {
            boolean missingClickId = e.isMissing() && PostbackParameters.CLICK_ID.equals(e.parameter());
            String error = missingClickId ? "MISSING_CLICK_ID" : e.isMissing() ? "MISSING_PARAMETER" : "MALFORMED";
            throw refused(request, 400, error, e.parameter(), e.getMessage(),
                    missingClickId ? RejectionReason.MISSING_CLICK_ID : RejectionReason.MALFORMED,
                    receivedAt, forwardedFor, clientIp, query, bodyParams);
        } catch (UnsupportedBodyException e) {
            String error = switch (e.status()) {
                case 413 -> "PAYLOAD_TOO_LARGE";
                case 415 -> "UNSUPPORTED_MEDIA_TYPE";
                default -> "MALFORMED";
            };
            throw refused(request, e.status(), error, null, e.getMessage(), RejectionReason.MALFORMED,
                    receivedAt, forwardedFor, clientIp, query, bodyParams);
        }
    }

    /** The body of a POST, refused unread when it says it is too large, and refused once it grows too large. */
    private byte[] body(HttpServletRequest request) throws IOException, UnsupportedBodyException {
        if (!"POST".equals(request.getMethod())) {
            return new byte[0];
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (body.length > maxBodyBytes) {
            throw tooLarge();
        }
        return body;
    }

    private UnsupportedBodyException tooLarge() {
        return new UnsupportedBodyException(413, "body is larger than " + maxBodyBytes + " bytes");
    }

    /**
     * The answer, and the record of the request: its click_id when that one is valid (the
     * topology then names the click's affiliate), its parameters as far as they could be read.
     */
    private static RefusedRequest refused(HttpServletRequest request, int status, String error, String field,
                                          String message, RejectionReason rejection, Instant receivedAt,
                                          String forwardedFor, String clientIp, Map<String, List<String>> query,
                                          Map<String, List<String>> bodyParams) {
        RefusalRecords bounds = new RefusalRecords();
        // One text for the answer and the record: a message may quote a value of any length.
        String reason = RefusalRecords.text(message, RefusalRecords.MAX_DETAIL_CHARS);
        RawPostback record = RawPostback.newBuilder()
                .setRequestId(RequestIds.next())
                .setReceivedAt(receivedAt)
                .setClickId(validClickId(query, bodyParams))
                .setMethod(RefusalRecords.text(request.getMethod(), RefusalRecords.MAX_TEXT_CHARS))
                .setQueryParams(bounds.keep(withTokenDigests(query)))
                .setBodyParams(bounds.keep(withTokenDigests(bodyParams)))
                .setContentType(RefusalRecords.text(request.getContentType(), RefusalRecords.MAX_TEXT_CHARS))
                .setRemoteAddr(request.getRemoteAddr())
                .setForwardedFor(RefusalRecords.text(forwardedFor, RefusalRecords.MAX_TEXT_CHARS))
                .setUserAgent(RefusalRecords.text(request.getHeader("User-Agent"), RefusalRecords.MAX_TEXT_CHARS))
                .setClientIp(clientIp)
                .setEdgeRejection(rejection)
                .setEdgeRejectionDetail(reason)
                .build();
        return new RefusedRequest(status, error, field, reason, record);
    }

    private static String validClickId(Map<String, List<String>> query, Map<String, List<String>> bodyParams) {
        try {
            return PostbackParameters.of(query, bodyParams).clickId();
        } catch (InvalidParameterException e) {
            return "";
        }
    }

    /**
     * Every security token of the parameters, which {@link BodyParameters} gave as a map of our
     * own, replaced by its digest, in place: the one the edge checked is not digested again.
     */
    private static void replaceTokens(Map<String, List<String>> params, PresentedToken token) {
        for (String name : PostbackParameters.securityTokenNames()) {
            List<String> tokens = params.get(name);
            if (tokens != null) {
                params.put(name, tokens.stream().map(token::digestOf).toList());
            }
        }
    }

    private static Map<String, List<String>> withTokenDigests(Map<String, List<String>> params) {
        Map<String, List<String>> copy = new LinkedHashMap<>(params);
        for (String name : PostbackParameters.securityTokenNames()) {
            copy.computeIfPresent(name, (n, tokens) -> tokens.stream().map(SecurityToken::digest).toList());
        }
        return copy;
    }
}
