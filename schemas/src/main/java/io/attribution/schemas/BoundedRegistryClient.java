package io.attribution.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The two calls of the registry's native API (v2) that keep a schema id known: each is answered
 * within the timeout or fails with an {@link IOException}. Apicurio's own client has no timeout at
 * all, so a registry that accepts connections and never answers held its callers forever.
 */
final class BoundedRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registryUrl;
    private final Duration timeout;
    private final RegistryHttpAccess access;
    private final HttpClient http;

    /** @param registry the Apicurio core API, e.g. {@code http://127.0.0.1:8080/apis/registry/v2}, and how to call it */
    BoundedRegistryClient(RegistryClientSettings registry, Duration timeout) {
        String url = registry.url();
        this.registryUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.timeout = timeout;
        this.access = new RegistryHttpAccess(registry);
        this.http = access.httpClient()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * Registers the schema as the latest version of the artifact, as Apicurio's serializers do
     * (group {@code default}), or finds it already there; returns its content id.
     */
    long register(String artifactId, Schema schema) throws IOException {
        HttpRequest.Builder request = request("/groups/default/artifacts?ifExists=RETURN_OR_UPDATE&canonical=true")
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", artifactId)
                .header("X-Registry-ArtifactType", "AVRO")
                .POST(HttpRequest.BodyPublishers.ofString(schema.toString(), StandardCharsets.UTF_8));
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw unexpected("registering " + artifactId, response);
        }
        JsonNode contentId = JSON.readTree(response.body()).path("contentId");
        if (!contentId.canConvertToLong()) {
            throw new IOException("registering " + artifactId + ": no contentId in " + response.body());
        }
        return contentId.asLong();
    }

    /** The content the registry holds under this id; empty when it holds none (e.g. it restarted empty). */
    Optional<String> content(long contentId) throws IOException {
        HttpResponse<String> response = send(request("/ids/contentIds/"
                + URLEncoder.encode(Long.toString(contentId), StandardCharsets.UTF_8)).GET());
        return switch (response.statusCode()) {
            case 200 -> Optional.of(response.body());
            case 404 -> Optional.empty();
            default -> throw unexpected("reading content " + contentId, response);
        };
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(registryUrl + path)).timeout(timeout);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        access.authorization(http, timeout).ifPresent(value -> request.header("Authorization", value));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling the registry");
        }
    }

    private static IOException unexpected(String what, HttpResponse<String> response) {
        String body = response.body();
        return new IOException(what + ": HTTP " + response.statusCode() + " "
                + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
    }
}
