package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.http.BearerToken;
import io.attribution.http.JsonAnswers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The postback tester's calls on the other servers: fires a postback at ingest's {@code /postback},
 * and asks the query API's postback log what became of it. Only these two paths of the configured
 * servers are ever called, so the tester cannot be turned into a proxy to anywhere else.
 */
final class TesterRelay {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A server's answer: its status and its JSON body (null when the body was not JSON). */
    record Answer(int status, JsonNode body) {
    }

    private final TesterTargets targets;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    TesterRelay(TesterTargets targets) {
        this.targets = targets;
    }

    /** The URL a postback with these parameters is sent to, as an advertiser's server would call it. */
    String postbackUrl(Map<String, String> params) {
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
        return TesterTargets.base(targets.ingest()) + "/postback?" + query;
    }

    /** Fires the postback (GET, parameters in the query string) at ingest. */
    Answer firePostback(Map<String, String> params) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(postbackUrl(params))).GET());
    }

    /** The query API's {@code GET /postbacks/{request_id}?click_id=}: 200 with the fate, 404 while unknown. */
    Answer fate(String requestId, String clickId) throws IOException, InterruptedException {
        String url = TesterTargets.base(targets.query()) + "/postbacks/" + encode(requestId)
                + (clickId == null ? "" : "?click_id=" + encode(clickId));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        targets.queryToken().ifPresent(token -> request.header("Authorization", BearerToken.header(token)));
        return call(request);
    }

    private Answer call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(TIMEOUT).header("Accept", "application/json")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = JsonAnswers.JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = null;
        }
        return new Answer(response.statusCode(), body);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
