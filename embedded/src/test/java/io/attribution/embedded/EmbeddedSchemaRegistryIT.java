package io.attribution.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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

            assertServedById(registry, register(registry));
        } finally {
            registry.close();
        }

        registry.close();
        assertThat(registry.isRunning()).isFalse();
        assertThat(ProcessHandle.of(registry.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void kafkaSqlRegistryKeepsItsSchemasInATopicOfTheBrokerAndReadsThemBackOnStart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            long id;
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startKafkaSql(broker.bootstrapServers(),
                    broker.clientConfig(), 0)) {
                assertThat(get(registry.registryUrl() + "/system/info").statusCode()).isEqualTo(200);
                id = register(registry);
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(EmbeddedSchemaRegistry.KAFKASQL_JOURNAL_TOPIC);
            }

            try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.startKafkaSql(broker.bootstrapServers(),
                    broker.clientConfig(), 0)) {
                assertServedById(restarted, id);
                assertThat(register(restarted)).as("the same schema registered again").isEqualTo(id);
            }
        }
    }

    /** Registers {@link #SCHEMA} through the Confluent-compatible API; its id. */
    private long register(EmbeddedSchemaRegistry registry) throws Exception {
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(registry.confluentCompatUrl() + "/subjects/greetings-value/versions"))
                .header("Content-Type", CCOMPAT_JSON)
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + SCHEMA.replace("\"", "\\\"") + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        return id(registered.body());
    }

    private void assertServedById(EmbeddedSchemaRegistry registry, long id) throws Exception {
        HttpResponse<String> byId = get(registry.confluentCompatUrl() + "/schemas/ids/" + id);
        assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
        assertThat(byId.body()).contains("Greeting");
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
