package io.attribution.bench;

import io.attribution.embedded.EmbeddedKafkaBroker;

import java.io.IOException;

/**
 * The embedded Kafka broker as a program of its own, so that a benchmark can run it in a child
 * JVM ({@link BrokerProcess}) and measure its own process without the broker in it. Prints
 * {@value #READY} and the bootstrap servers once the broker accepts requests, and stops the
 * broker (deleting its data) when its standard input ends: when the parent closes it or dies.
 */
public final class BrokerMain {

    static final String READY = "broker ready at ";

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.println(READY + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() != -1) {
                // Nothing is ever sent: only the end of the stream matters.
            }
        }
        System.exit(0);
    }
}
