package io.attribution.app;

import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline on a cluster whose only client listener is SASL_SSL (SCRAM-SHA-512 over TLS, a
 * certificate made for the run): its settings come as an operator gives them, KAFKA_* environment
 * variables, and every client it makes (ingest's producer and readiness check, the campaign
 * catalogs, the admin's producer, Kafka Streams with its internal clients, the topic set-up) gets
 * them. A postback goes in through ingest and comes out ATTRIBUTED through the query API; a wrong
 * password or a truststore that does not hold the broker's certificate ends the start at once, in
 * one line naming the setting.
 */
class SecuredClusterIT {

    private static final String TOKEN = "secured-cluster-admin-token";
    private static final String CAMPAIGN = "secured-campaign";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.saslSslBroker();

    private static Pipeline pipeline;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = Pipeline.start(settings(environment(kit.clientConfig()), "secured-cluster-it"),
                EnumSet.allOf(Pipeline.Part.class), false);
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aPostbackThroughTheSecuredListenerIsAttributedAndTheQueryApiSaysSo() throws Exception {
        URI admin = pipeline.adminUri().orElseThrow();
        Http.Answer put = Http.admin(admin, TOKEN, "PUT", "/campaigns/" + CAMPAIGN, """
                {"advertiser_id": "adv-secured",
                 "goals": [{"goal_id": "sale", "value": "sale", "payout": "1.25", "revenue": "2"}]}""");
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        try (ClickWriter clicks = new ClickWriter(pipeline.kafkaClients(), pipeline.serdes())) {
            clicks.write(Click.newBuilder().setClickId("secured-click").setCampaignId(CAMPAIGN)
                    .setAffiliateId("aff-secured").setClickedAt(Instant.now()).build());
        }
        URI ingest = pipeline.ingestUri().orElseThrow();
        await("ingest ready").atMost(Duration.ofSeconds(30)).until(() -> Http.get(ingest.resolve("/readyz")).status() == 200);

        Http.Answer answer = Http.get(ingest.resolve("/postback?click_id=secured-click&goal_value=sale&txn_id=s-1"));

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        String requestId = answer.field("request_id");
        URI query = pipeline.queryUri().orElseThrow();
        await("attributed").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Http.Answer fate = Http.get(query.resolve("/postbacks/" + requestId));
            assertThat(fate.status()).as(fate.text()).isEqualTo(200);
            assertThat(fate.field("state")).isEqualTo("ATTRIBUTED");
            assertThat(fate.body().at("/conversion/payout").asText()).isEqualTo("1.25");
        });
        assertThat(Http.get(pipeline.managementUri().resolve("/readyz")).status()).isEqualTo(200);
    }

    @Test
    void theSettingsShownAtStartHideThePasswords() {
        Map<String, String> shown = pipeline.kafkaClients().masked();

        assertThat(shown).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", "***")
                .containsEntry("ssl.truststore.password", "***");
        assertThat(shown.toString()).doesNotContain(kit.clientConfig().get("ssl.truststore.password"));
    }

    @Test
    void aWrongPasswordEndsTheStartAtOnceNamingTheSetting() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>(kit.clientConfig());
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"pipeline\" password=\"not-the-password\";");
        PipelineSettings settings = settings(environment(wrong), "secured-cluster-wrong-password");
        long startedAt = System.nanoTime();

        assertThatThrownBy(() -> Pipeline.start(settings, EnumSet.of(Pipeline.Part.INGEST), false).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG")
                .hasMessageContaining("invalid credentials")
                .hasMessageNotContaining("not-the-password");
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aTruststoreWithoutTheBrokersCertificateEndsTheStartAtOnceNamingTheSetting() throws Exception {
        Map<String, String> untrusting = new LinkedHashMap<>(kit.clientConfig());
        // The JDK's public CAs: none of them signed the broker's certificate, made for this run.
        untrusting.put("ssl.truststore.location", Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")
                .toString());
        untrusting.put("ssl.truststore.password", "changeit");
        PipelineSettings settings = settings(environment(untrusting), "secured-cluster-untrusting");
        long startedAt = System.nanoTime();

        assertThatThrownBy(() -> Pipeline.start(settings, EnumSet.of(Pipeline.Part.INGEST), false).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATION");
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(15));
    }

    /** The client settings as an operator passes them: KAFKA_SECURITY_PROTOCOL and so on. */
    private static Map<String, String> environment(Map<String, String> clientConfig) {
        Map<String, String> environment = new LinkedHashMap<>();
        clientConfig.forEach((key, value) ->
                environment.put("KAFKA_" + key.replace('.', '_').toUpperCase(Locale.ROOT), value));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kit.bootstrapServers());
        environment.put("REGISTRY_URL", kit.registryUrl());
        environment.put("ADMIN_TOKEN", TOKEN);
        return environment;
    }

    private static PipelineSettings settings(Map<String, String> environment, String applicationId) throws Exception {
        Path stateDir = Files.createTempDirectory(applicationId);
        return PipelineSettings.load(Optional.empty(), environment)
                .with(PipelineSettings.INGEST_PORT, "0")
                .with(PipelineSettings.ADMIN_PORT, "0")
                .with(PipelineSettings.MANAGEMENT_PORT, "0")
                .with(PipelineSettings.QUERY_PORT, "0")
                .with(PipelineSettings.TOPICS_PARTITIONS, "1")
                .with(PipelineSettings.TOPOLOGY_STATE_DIR, stateDir.toString())
                .with(PipelineSettings.TOPOLOGY_APPLICATION_ID, kit.uniqueId(applicationId));
    }
}
