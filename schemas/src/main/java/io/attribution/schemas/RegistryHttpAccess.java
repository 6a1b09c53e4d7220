package io.attribution.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import static io.attribution.schemas.RegistryClientSettings.CLIENT_ID;
import static io.attribution.schemas.RegistryClientSettings.CLIENT_SCOPE;
import static io.attribution.schemas.RegistryClientSettings.CLIENT_SECRET;
import static io.attribution.schemas.RegistryClientSettings.KEYSTORE_LOCATION;
import static io.attribution.schemas.RegistryClientSettings.KEYSTORE_PASSWORD;
import static io.attribution.schemas.RegistryClientSettings.KEYSTORE_TYPE;
import static io.attribution.schemas.RegistryClientSettings.KEY_PASSWORD;
import static io.attribution.schemas.RegistryClientSettings.PASSWORD;
import static io.attribution.schemas.RegistryClientSettings.TOKEN_ENDPOINT;
import static io.attribution.schemas.RegistryClientSettings.TRUSTSTORE_LOCATION;
import static io.attribution.schemas.RegistryClientSettings.TRUSTSTORE_PASSWORD;
import static io.attribution.schemas.RegistryClientSettings.TRUSTSTORE_TYPE;
import static io.attribution.schemas.RegistryClientSettings.USERNAME;

/**
 * The product's own HTTP calls to the registry (not through Apicurio's client) with the same trust
 * and credentials as the serdes: an {@link HttpClient} that trusts the configured truststore and
 * shows the configured keystore, and the {@code Authorization} header of each request (basic, or a
 * bearer token got by OAuth 2 client credentials and kept until shortly before it expires).
 */
public final class RegistryHttpAccess {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A token is fetched again this long before it expires, so no request carries one that expires on the way. */
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(30);

    private final RegistryClientSettings settings;
    private final Optional<String> basic;
    private String token;
    private Instant tokenExpires = Instant.MIN;

    public RegistryHttpAccess(RegistryClientSettings settings) {
        this.settings = settings;
        this.basic = settings.get(USERNAME).map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + settings.get(PASSWORD).orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    /** A builder for an HTTP client with the configured TLS trust and key material. */
    public HttpClient.Builder httpClient() {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (settings.get(TRUSTSTORE_LOCATION).isPresent() || settings.get(KEYSTORE_LOCATION).isPresent()) {
            builder.sslContext(sslContext());
        }
        return builder;
    }

    /**
     * The {@code Authorization} header value for a request, if the registry wants one.
     *
     * @param http    the client to fetch an OAuth token with
     * @param timeout for the token request
     */
    public synchronized Optional<String> authorization(HttpClient http, Duration timeout) throws IOException {
        if (basic.isPresent()) {
            return basic;
        }
        if (settings.get(CLIENT_ID).isEmpty()) {
            return Optional.empty();
        }
        if (token == null || Instant.now().isAfter(tokenExpires.minus(TOKEN_MARGIN))) {
            fetchToken(http, timeout);
        }
        return Optional.of("Bearer " + token);
    }

    private void fetchToken(HttpClient http, Duration timeout) throws IOException {
        String endpoint = settings.get(TOKEN_ENDPOINT).orElseThrow();
        StringBuilder form = new StringBuilder("grant_type=client_credentials")
                .append("&client_id=").append(encoded(settings.get(CLIENT_ID).orElseThrow()))
                .append("&client_secret=").append(encoded(settings.get(CLIENT_SECRET).orElseThrow()));
        settings.get(CLIENT_SCOPE).ifPresent(scope -> form.append("&scope=").append(encoded(scope)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while getting a registry token");
        }
        JsonNode body = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        if (body == null || !body.path("access_token").isTextual()) {
            // The body of a refusal may echo what was sent: only the status is told.
            throw new IOException("the registry's token endpoint " + endpoint + " (registry." + TOKEN_ENDPOINT
                    + ") refused the client credentials of registry." + CLIENT_ID + ": HTTP " + response.statusCode());
        }
        token = body.get("access_token").asText();
        tokenExpires = Instant.now().plusSeconds(body.path("expires_in").asLong(60));
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private SSLContext sslContext() {
        try {
            TrustManagerFactory trust = null;
            if (settings.get(TRUSTSTORE_LOCATION).isPresent()) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD));
            }
            KeyManagerFactory keys = null;
            if (settings.get(KEYSTORE_LOCATION).isPresent()) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = settings.get(KEY_PASSWORD).or(() -> settings.get(KEYSTORE_PASSWORD))
                        .map(String::toCharArray).orElse(null);
                keys.init(load(KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD), keyPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("registry TLS settings (registry.ssl.*) do not make a TLS context: " + e, e);
        }
    }

    private KeyStore load(String location, String type, String password) throws GeneralSecurityException {
        Path path = Path.of(settings.get(location).orElseThrow());
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(settings.get(type).orElse("PKCS12"));
            store.load(in, settings.get(password).map(String::toCharArray).orElse(null));
            return store;
        } catch (IOException e) {
            throw new IllegalArgumentException("registry." + location + " " + path + " cannot be read: " + e.getMessage(), e);
        }
    }
}
