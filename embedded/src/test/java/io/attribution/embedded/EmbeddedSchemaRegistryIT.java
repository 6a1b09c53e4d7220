package io.attribution.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryIT {

    private static final String CCOMPAT_JSON = "application/vnd.schemaregistry.v1+json";
    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"Greeting\",\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void schemaRegisteredThroughTheConfluentApiIsReadBackByIdAndClosedRegistryIsGone() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        try {
            assertThat(registry.registryUrl()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/registry/v2");
            assertThat(get(registry.registryUrl() + "/system/info").statusCode()).isEqualTo(200);

            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                            URI.create(registry.confluentCompatUrl() + "/subjects/greetings-value/versions"))
                    .header("Content-Type", CCOMPAT_JSON)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + SCHEMA.replace("\"", "\\\"") + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

            HttpResponse<String> byId = get(registry.confluentCompatUrl() + "/schemas/ids/" + id(registered.body()));
            assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
            assertThat(byId.body()).contains("Greeting");
        } finally {
            registry.close();
        }

        registry.close();
        assertThat(registry.isRunning()).isFalse();
        assertThat(ProcessHandle.of(registry.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long id(String registrationResponse) {
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(registrationResponse);
        assertThat(id.find()).as(registrationResponse).isTrue();
        return Long.parseLong(id.group(1));
    }
}
