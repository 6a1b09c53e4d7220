package io.attribution.embedded.testkit;

import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and the registry every test class of this JVM shares, each started on first use and stopped by
 * {@link SharedKafkaSessionListener} when the launcher session ends.
 *
 * <p>They are held here rather than in a Jupiter extension store because the launcher session spans every test
 * engine: the jqwik properties of a module share them with its Jupiter classes.
 */
final class SharedKafka {

    private static final Logger LOG = LoggerFactory.getLogger(SharedKafka.class);
    private static CompletableFuture<EmbeddedSchemaRegistry> registry;
    private static EmbeddedKafkaBroker broker;

    private SharedKafka() {
    }

    /** Starts the registry in the background if it is not started yet; it is a child JVM and the slower of the two. */
    static synchronized CompletableFuture<EmbeddedSchemaRegistry> registry() {
        if (registry == null) {
            registry = CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        }
        return registry;
    }

    /** The shared broker, started now if need be, with the registry starting alongside. */
    static synchronized EmbeddedKafkaBroker broker() {
        registry();
        if (broker == null) {
            broker = EmbeddedKafkaBroker.start();
        }
        return broker;
    }

    /** The registry, once it is ready; a failed start is reported with its own exception. */
    static EmbeddedSchemaRegistry awaitRegistry() {
        try {
            return registry().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    static synchronized void stop() {
        if (broker == null && registry == null) {
            return;
        }
        LOG.info("Stopping the shared broker and registry: the test run is over");
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            broker = null;
            if (registry != null) {
                // Waits for a start still under way, so that no child process outlives the run.
                EmbeddedSchemaRegistry started = registry.handle((ready, failure) -> ready).join();
                registry = null;
                if (started != null) {
                    started.close();
                }
            }
        }
    }
}
