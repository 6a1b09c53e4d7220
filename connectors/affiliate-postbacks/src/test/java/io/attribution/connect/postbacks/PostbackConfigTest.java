package io.attribution.connect.postbacks;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostbackConfigTest {

    private static Map<String, String> props(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "affiliate-postbacks");
        props.put("topics", "conversions.attributed");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    @Test
    void eachAffiliateHasItsOwnKeysWithDefaults() {
        PostbackConfig config = new PostbackConfig(props(
                "affiliates.aff-1.url", "https://one.example/pb?c={click_id}",
                "affiliates.aff.2.url", "https://two.example/pb?c={click_id}&p={payout}",
                "affiliates.aff.2.method", "post",
                "affiliates.aff.2.statuses", "approved, PENDING",
                "affiliates.aff.2.updates", "true"));

        assertThat(config.affiliates()).containsOnlyKeys("aff-1", "aff.2");
        AffiliatePostback one = config.affiliates().get("aff-1");
        assertThat(one.template().method()).isEqualTo(PostbackTemplate.Method.GET);
        assertThat(one.statuses()).containsExactly("APPROVED");
        assertThat(one.updates()).isFalse();
        AffiliatePostback two = config.affiliates().get("aff.2");
        assertThat(two.template().method()).isEqualTo(PostbackTemplate.Method.POST);
        assertThat(two.statuses()).containsExactlyInAnyOrder("APPROVED", "PENDING");
        assertThat(two.updates()).isTrue();

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryPolicy()).isEqualTo(new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.5));
        assertThat(config.maxInFlightPerAffiliate()).isEqualTo(8);
    }

    @Test
    void errorsNameTheKey() {
        assertError(props("affiliates.aff-1.url", "https://one.example/pb?c={clickid}"),
                "affiliates.aff-1.url", "unknown macro {clickid}");
        assertError(props("affiliates.aff-1.url", "one.example/pb"), "affiliates.aff-1.url", "absolute");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "affiliates.aff-1.method", "PUT"),
                "affiliates.aff-1.method", "GET or POST");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "affiliates.aff-1.statuses", "approved,paid"),
                "affiliates.aff-1.statuses", "unknown status 'paid'");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "affiliates.aff-1.statuses", ""),
                "affiliates.aff-1.statuses", "at least one");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "affiliates.aff-1.updates", "sometimes"),
                "affiliates.aff-1.updates", "true or false");
        assertError(props("affiliates.aff-1.method", "POST"), "affiliates.aff-1.url", "no default value");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "affiliates.aff-1.staus", "approved"),
                "affiliates.aff-1.staus", "not a setting");
        assertError(props(), "affiliates", "set affiliates.<affiliate_id>.url");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "retry.max.attempts", "0"),
                "retry.max.attempts", "at least 1");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "retry.backoff.jitter", "2"),
                "retry.backoff.jitter", "no more than 1");
        assertError(props("affiliates.aff-1.url", "https://one.example/", "http.request.timeout.ms", "soon"),
                "http.request.timeout.ms", "soon");
    }

    /** The problem shows on its key both in Connect's validation (REST API) and when the connector starts. */
    private static void assertError(Map<String, String> props, String key, String message) {
        Config validated = new AffiliatePostbackSinkConnector().validate(props);
        Map<String, List<String>> errors = errors(validated);
        assertThat(errors).as("validation errors").containsKey(key);
        assertThat(String.join(" ", errors.get(key))).containsIgnoringCase(message);

        assertThatThrownBy(() -> new PostbackConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.equals("affiliates") ? "affiliates.<affiliate_id>.url" : key);
    }

    private static Map<String, List<String>> errors(Config config) {
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages, (a, b) -> a, TreeMap::new));
    }

    @Test
    void theExampleConnectorConfigIsValid() {
        Map<String, String> example = ExampleConnectorConfig.read();

        assertThat(errors(new AffiliatePostbackSinkConnector().validate(example))).isEmpty();
        assertThat(new PostbackConfig(example).affiliates()).containsOnlyKeys("demo-affiliate-1", "demo-affiliate-2");
        assertThat(example).containsEntry("connector.class", AffiliatePostbackSinkConnector.class.getName())
                .containsEntry("value.converter", "io.apicurio.registry.utils.converter.AvroConverter");
    }

    /**
     * The converter reads what our serdes write only with the same settings: the example carries RegistrySerdes'
     * settings, each under Connect's value.converter. prefix, except that the converter reads generic records (it
     * builds Connect Structs from them).
     */
    @Test
    void theExampleConverterSettingsAreRegistrySerdesSettings() {
        Map<String, String> example = ExampleConnectorConfig.read();
        String prefix = "value.converter.";
        Map<String, String> converter = example.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(e -> e.getKey().substring(prefix.length()), Map.Entry::getValue));

        Map<String, String> expected = new RegistrySerdes("http://registry:8080/apis/registry/v2").config().entrySet()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        expected.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "false");

        assertThat(converter).isEqualTo(expected);
        assertThat(converter).containsKeys(SerdeConfig.ID_HANDLER, SerdeConfig.USE_ID, SerdeConfig.ENABLE_HEADERS);
    }

    @Test
    void affiliateIdsComeFromTheirKeys() {
        assertThat(PostbackConfig.affiliateIds(props("affiliates.b.url", "x", "affiliates.a.method", "GET",
                "affiliates.a.updates", "true", "affiliates.c.nonsense", "1", "other.a.url", "x")))
                .isEqualTo(Set.of("a", "b"));
    }
}
