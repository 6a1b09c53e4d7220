package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.postback.PostbackParameters;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns an HTTP request into the RawPostback written to Kafka: every parameter kept as sent,
 * the known ones validated first so that a bad postback is refused before anything is written.
 */
final class PostbackRequestReader {

    private final Clock clock;

    PostbackRequestReader(Clock clock) {
        this.clock = clock;
    }

    /**
     * @throws io.attribution.postback.InvalidParameterException a known parameter is missing or malformed
     * @throws UnsupportedBodyException                          the body cannot be read as parameters
     * @throws IOException                                       the body could not be read (too large, client gone)
     */
    RawPostback read(HttpServletRequest request) throws UnsupportedBodyException, IOException {
        Map<String, List<String>> query = BodyParameters.form(request.getQueryString());
        Map<String, List<String>> body = "POST".equals(request.getMethod())
                ? BodyParameters.parse(request.getContentType(), request.getInputStream().readAllBytes())
                : Map.of();
        PostbackParameters parameters = PostbackParameters.of(query, body).validate();
        return RawPostback.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setReceivedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setClickId(parameters.clickId())
                .setMethod(request.getMethod())
                .setQueryParams(query)
                .setBodyParams(body)
                .setContentType(request.getContentType())
                .setRemoteAddr(request.getRemoteAddr())
                .setForwardedFor(request.getHeader("X-Forwarded-For"))
                .setUserAgent(request.getHeader("User-Agent"))
                .build();
    }
}
