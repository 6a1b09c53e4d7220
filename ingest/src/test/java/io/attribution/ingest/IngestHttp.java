package io.attribution.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A plain HTTP/1.1 client for the ingest edge; every answer is read as JSON. */
final class IngestHttp {

    static final String USER_AGENT = "ingest-it/1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    IngestHttp(URI base) {
        this.base = base;
    }

    /** One answer: the status, the headers, the body parsed as JSON and how long it took to come. */
    record Answer(int status, HttpHeaders headers, String rawBody, Duration took) {

        JsonNode json() {
            try {
                return JSON.readTree(rawBody);
            } catch (IOException e) {
                throw new AssertionError("answer is not JSON: " + rawBody, e);
            }
        }

        String field(String name) {
            JsonNode value = json().get(name);
            return value == null || value.isNull() ? null : value.asText();
        }

        String requestId() {
            return field("request_id");
        }
    }

    Answer get(String pathAndQuery) throws Exception {
        return send(request(pathAndQuery).GET().build());
    }

    Answer post(String pathAndQuery, String contentType, String body) throws Exception {
        return post(pathAndQuery, contentType, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    /** {@code ofByteArray} sends a Content-Length; {@code ofInputStream} sends the body chunked. */
    Answer post(String pathAndQuery, String contentType, HttpRequest.BodyPublisher body) throws Exception {
        return send(request(pathAndQuery).header("Content-Type", contentType).POST(body).build());
    }

    /** A postback GET with the query string given, signed as {@link RequestSignature} checks it. */
    Answer signedGet(String query, long timestamp, String signature) throws Exception {
        return send(request("/postback?" + query)
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(RequestSignature.SIGNATURE_HEADER, "sha256=" + signature)
                .GET().build());
    }

    CompletableFuture<Answer> getAsync(String pathAndQuery) {
        long start = System.nanoTime();
        return client.sendAsync(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> answer(response, start));
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("User-Agent", USER_AGENT);
    }

    Answer send(HttpRequest request) throws Exception {
        long start = System.nanoTime();
        return answer(client.send(request, HttpResponse.BodyHandlers.ofString()), start);
    }

    private static Answer answer(HttpResponse<String> response, long startNanos) {
        return new Answer(response.statusCode(), response.headers(), response.body(),
                Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
