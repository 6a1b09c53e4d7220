package io.attribution.schemas;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryClientSettingsTest {

    private static final String URL = "https://registry:8443/apis/registry/v2";

    @Test
    void basicAuthAndTlsBecomeTheApicurioSerdeSettings() {
        RegistryClientSettings registry = RegistryClientSettings.of(URL, Map.of("auth.username", "pipeline",
                "auth.password", "s3cret", "ssl.truststore.location", "/etc/registry/ca.p12",
                "ssl.truststore.password", "changeit", "ssl.keystore.location", ""));

        assertThat(new RegistrySerdes(registry).config()).containsEntry("apicurio.registry.url", URL)
                .containsEntry("apicurio.auth.username", "pipeline").containsEntry("apicurio.auth.password", "s3cret")
                .containsEntry("apicurio.registry.request.ssl.truststore.location", "/etc/registry/ca.p12")
                .containsEntry("apicurio.registry.request.ssl.truststore.password", "changeit")
                .doesNotContainKey("apicurio.registry.request.ssl.keystore.location");
        assertThat(registry.masked()).containsEntry("auth.password", "***")
                .containsEntry("ssl.truststore.password", "***").containsEntry("auth.username", "pipeline");
    }

    @Test
    void oauthClientCredentialsBecomeTheApicurioSerdeSettings() {
        RegistryClientSettings registry = RegistryClientSettings.of(URL, Map.of("auth.token.endpoint",
                "https://idp/token", "auth.client.id", "pipeline", "auth.client.secret", "s3cret"));

        assertThat(registry.serdeConfig()).containsEntry("apicurio.auth.service.token.endpoint", "https://idp/token")
                .containsEntry("apicurio.auth.client.id", "pipeline").containsEntry("apicurio.auth.client.secret", "s3cret");
        assertThat(registry.masked()).containsEntry("auth.client.secret", "***");
    }

    @Test
    void halfASettingPairIsRefused() {
        assertThatThrownBy(() -> RegistryClientSettings.of(URL, Map.of("auth.username", "pipeline")))
                .hasMessageContaining("auth.password missing");
        assertThatThrownBy(() -> RegistryClientSettings.of(URL, Map.of("auth.client.id", "c", "auth.client.secret", "s")))
                .hasMessageContaining("auth.token.endpoint missing");
        assertThatThrownBy(() -> RegistryClientSettings.of(URL, Map.of("auth.username", "u", "auth.password", "p",
                "auth.token.endpoint", "https://idp/token", "auth.client.id", "c", "auth.client.secret", "s")))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> RegistryClientSettings.of(URL, Map.of("auth.user", "u")))
                .hasMessageContaining("unknown registry client setting auth.user");
    }
}
