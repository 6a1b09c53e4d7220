package io.attribution.schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How every client of the product reaches the schema registry: its URL, and how to authenticate
 * (HTTP basic, or OAuth 2 client credentials) and trust it (TLS truststore, and a keystore for
 * mutual TLS). The Apicurio serdes and the product's own HTTP calls to the registry
 * ({@link RegistryHttpAccess}) take the same settings.
 *
 * <p>Settings are named as the pipeline's ({@code registry.auth.username} without the
 * {@code registry.} prefix); {@link #SERDE_KEYS} says which Apicurio serde setting each becomes.
 */
public final class RegistryClientSettings {

    public static final String USERNAME = "auth.username";
    public static final String PASSWORD = "auth.password";
    public static final String TOKEN_ENDPOINT = "auth.token.endpoint";
    public static final String CLIENT_ID = "auth.client.id";
    public static final String CLIENT_SECRET = "auth.client.secret";
    public static final String CLIENT_SCOPE = "auth.client.scope";
    public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String KEY_PASSWORD = "ssl.key.password";

    /** Each setting and the Apicurio serde setting it becomes. */
    public static final Map<String, String> SERDE_KEYS = serdeKeys();

    private final String url;
    private final Map<String, String> settings;

    private RegistryClientSettings(String url, Map<String, String> settings) {
        this.url = url;
        this.settings = settings;
    }

    private static Map<String, String> serdeKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(USERNAME, "apicurio.auth.username");
        keys.put(PASSWORD, "apicurio.auth.password");
        keys.put(TOKEN_ENDPOINT, "apicurio.auth.service.token.endpoint");
        keys.put(CLIENT_ID, "apicurio.auth.client.id");
        keys.put(CLIENT_SECRET, "apicurio.auth.client.secret");
        keys.put(CLIENT_SCOPE, "apicurio.auth.client.scope");
        for (String tls : List.of(TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD, KEYSTORE_LOCATION,
                KEYSTORE_TYPE, KEYSTORE_PASSWORD, KEY_PASSWORD)) {
            keys.put(tls, "apicurio.registry.request." + tls);
        }
        return Map.copyOf(keys);
    }

    /** No authentication, the JDK's default trust: a registry on a private network or loopback. */
    public static RegistryClientSettings open(String url) {
        return new RegistryClientSettings(url, Map.of());
    }

    /**
     * @param settings by the names of this class's constants; empty values count as unset
     * @throws IllegalArgumentException for an unknown key, or settings that only work together given alone
     */
    public static RegistryClientSettings of(String url, Map<String, String> settings) {
        Map<String, String> given = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (!SERDE_KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown registry client setting " + key + "; known are "
                        + new TreeMap<>(SERDE_KEYS).keySet());
            }
            if (value != null && !value.isBlank()) {
                given.put(key, value.strip());
            }
        });
        together(given, USERNAME, PASSWORD);
        together(given, TOKEN_ENDPOINT, CLIENT_ID, CLIENT_SECRET);
        if (given.containsKey(USERNAME) && given.containsKey(CLIENT_ID)) {
            throw new IllegalArgumentException("registry " + USERNAME + " (basic) and " + CLIENT_ID
                    + " (OAuth) exclude each other: set one way to authenticate");
        }
        for (String location : List.of(TRUSTSTORE_LOCATION, KEYSTORE_LOCATION)) {
            String password = location.replace("location", "password");
            if (given.containsKey(password) && !given.containsKey(location)) {
                throw new IllegalArgumentException("registry " + password + " is set without " + location);
            }
        }
        return new RegistryClientSettings(url, Map.copyOf(given));
    }

    private static void together(Map<String, String> given, String... keys) {
        List<String> missing = List.of(keys).stream().filter(key -> !given.containsKey(key)).toList();
        if (!missing.isEmpty() && missing.size() < keys.length) {
            throw new IllegalArgumentException("registry " + String.join(", ", keys) + " go together: "
                    + String.join(", ", missing) + " missing");
        }
    }

    /** The Apicurio core API, e.g. {@code https://registry:8443/apis/registry/v2}. */
    public String url() {
        return url;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** The Apicurio serde settings for authentication and TLS. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        settings.forEach((key, value) -> config.put(SERDE_KEYS.get(key), value));
        return config;
    }

    /** The settings given, secrets masked, for logs and banners. */
    public Map<String, String> masked() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key, KafkaClientSettings.shown(key, value)));
        return shown;
    }

    /** Every setting's key. */
    public static Set<String> keys() {
        return SERDE_KEYS.keySet();
    }

    @Override
    public String toString() {
        return url + " " + masked();
    }
}
