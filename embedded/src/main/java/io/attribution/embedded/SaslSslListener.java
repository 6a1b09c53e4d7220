package io.attribution.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one client listener of a secured embedded broker: TLS with the broker's key and certificate,
 * and SASL SCRAM-SHA-512 logins. Its users are created when the storage is formatted, as
 * {@code kafka-storage format --add-scram} does: a KRaft cluster has no ZooKeeper to write them to
 * beforehand, and the broker must log in to its own listener before any admin call could add one.
 *
 * @param keystore           PKCS12 with the broker's key and a certificate for 127.0.0.1
 * @param keystorePassword   of the keystore and its key
 * @param truststore         PKCS12 with the certificate clients trust the broker by
 * @param truststorePassword of the truststore
 * @param username           the clients' SCRAM user
 * @param password           its password
 */
public record SaslSslListener(Path keystore, String keystorePassword, Path truststore, String truststorePassword,
                              String username, String password) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String LISTENER = "SASL_SSL";
    /** The broker's own login to its listener (inter-broker traffic), apart from the clients'. */
    private static final String BROKER_USER = "embedded-broker";

    /** What {@code kafka-storage format --add-scram} takes, one entry per user. */
    List<String> scramArguments() {
        return List.of(scram(BROKER_USER, brokerPassword()), scram(username, password));
    }

    private static String scram(String user, String secret) {
        return MECHANISM + "=[name=" + user + ",password=" + secret + "]";
    }

    private String brokerPassword() {
        // Not a secret worth more than the clients' password: derived, so nothing else has to be kept.
        return "broker-" + Integer.toHexString(password.hashCode());
    }

    /** The broker's settings for this listener. */
    Map<String, String> brokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("sasl.enabled.mechanisms", MECHANISM);
        config.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(BROKER_USER, brokerPassword()));
        config.put("ssl.keystore.type", "PKCS12");
        config.put("ssl.keystore.location", keystore.toString());
        config.put("ssl.keystore.password", keystorePassword);
        config.put("ssl.key.password", keystorePassword);
        config.put("ssl.truststore.type", "PKCS12");
        config.put("ssl.truststore.location", truststore.toString());
        config.put("ssl.truststore.password", truststorePassword);
        config.put("ssl.client.auth", "none");
        return config;
    }

    /** What a client needs to reach the listener as {@link #username}. */
    public Map<String, String> clientConfig() {
        return clientConfig(username, password);
    }

    /** What a client needs to reach the listener as this user. */
    public Map<String, String> clientConfig(String user, String secret) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("security.protocol", LISTENER);
        config.put("sasl.mechanism", MECHANISM);
        config.put("sasl.jaas.config", jaas(user, secret));
        config.put("ssl.truststore.type", "PKCS12");
        config.put("ssl.truststore.location", truststore.toString());
        config.put("ssl.truststore.password", truststorePassword);
        return config;
    }

    private static String jaas(String user, String secret) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + secret + "\";";
    }
}
