package io.attribution.app;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

import java.util.Optional;

/**
 * Turns the cluster refusing the pipeline's credentials or trust into the user's mistake it is:
 * one line naming the settings to check ({@link IllegalArgumentException}, which {@link Main}
 * prints as such), instead of a stack trace or a wait for a timeout.
 */
final class KafkaAccessFailure {

    /** A call to the cluster. */
    interface KafkaCall {
        void run() throws Exception;
    }

    private KafkaAccessFailure() {
    }

    /** Runs the call; a refusal of access comes out as an {@link IllegalArgumentException} naming the settings. */
    static void explained(KafkaCall call) throws Exception {
        try {
            call.run();
        } catch (Exception e) {
            Optional<String> explanation = explain(e);
            if (explanation.isPresent()) {
                throw new IllegalArgumentException(explanation.get(), e);
            }
            throw e;
        }
    }

    /** What the user should check, when the failure is the cluster refusing access. */
    static Optional<String> explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SaslAuthenticationException) {
                return Optional.of("Kafka refused the SASL credentials: check kafka.sasl.mechanism and"
                        + " kafka.sasl.jaas.config (KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG): " + cause.getMessage());
            }
            if (cause instanceof SslAuthenticationException) {
                return Optional.of("the TLS handshake with Kafka failed: check kafka.ssl.truststore.location (the"
                        + " brokers' CA) and, for mutual TLS, kafka.ssl.keystore.location (KAFKA_SSL_TRUSTSTORE_LOCATION,"
                        + " KAFKA_SSL_KEYSTORE_LOCATION): " + cause.getMessage());
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of("Kafka authenticated the pipeline but denied it access (its principal needs"
                        + " ACLs on the pipeline's topics, groups and transactional ids; see the README): "
                        + cause.getMessage());
            }
        }
        return Optional.empty();
    }
}
