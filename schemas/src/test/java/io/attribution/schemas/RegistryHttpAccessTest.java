package io.attribution.schemas;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attribution.avro.RawPostback;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The product's own registry calls carry the configured credentials: a basic login, or a bearer
 * token got once by OAuth client credentials and reused; a refused token request names the settings.
 */
class RegistryHttpAccessTest {

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/apis/registry/v2/groups/default/artifacts", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            exchange.getRequestBody().readAllBytes();
            answer(exchange, authorization == null ? 401 : 200, "{\"contentId\": 7}");
        });
        server.createContext("/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(form);
            boolean known = form.contains("client_secret=right");
            answer(exchange, known ? 200 : 401, known ? "{\"access_token\": \"t-1\", \"expires_in\": 300}" : "{}");
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void basicCredentialsGoWithEveryCall() throws IOException {
        BoundedRegistryClient client = client(Map.of("auth.username", "pipeline", "auth.password", "pw"));

        assertThat(client.register("postbacks.raw-value", SpecificData.get().getSchema(RawPostback.class))).isEqualTo(7);
        assertThat(authorizations).containsExactly("Basic cGlwZWxpbmU6cHc=");
    }

    @Test
    void anOauthTokenIsFetchedOnceAndSentAsBearer() throws IOException {
        BoundedRegistryClient client = client(Map.of("auth.token.endpoint", base + "/token",
                "auth.client.id", "pipeline", "auth.client.secret", "right", "auth.client.scope", "registry"));

        client.register("a-value", SpecificData.get().getSchema(RawPostback.class));
        client.register("b-value", SpecificData.get().getSchema(RawPostback.class));

        assertThat(authorizations).containsExactly("Bearer t-1", "Bearer t-1");
        assertThat(tokenRequests).singleElement().isEqualTo(
                "grant_type=client_credentials&client_id=pipeline&client_secret=right&scope=registry");
    }

    @Test
    void aRefusedTokenRequestNamesTheSettingsNotTheSecret() {
        BoundedRegistryClient client = client(Map.of("auth.token.endpoint", base + "/token",
                "auth.client.id", "pipeline", "auth.client.secret", "wrong"));

        assertThatThrownBy(() -> client.register("a-value", SpecificData.get().getSchema(RawPostback.class)))
                .isInstanceOf(IOException.class).hasMessageContaining("registry.auth.client.id")
                .hasMessageContaining("HTTP 401").hasMessageNotContaining("wrong");
    }

    private BoundedRegistryClient client(Map<String, String> settings) {
        return new BoundedRegistryClient(RegistryClientSettings.of(base + "/apis/registry/v2", settings),
                Duration.ofSeconds(5));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
