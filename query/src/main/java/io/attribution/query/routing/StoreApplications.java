package io.attribution.query.routing;

import org.apache.kafka.streams.KafkaStreams;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which of this instance's Kafka Streams applications holds each store, or why none here does.
 * A store is routed with the metadata of the application that holds it: another application's
 * assignment would send its questions to the wrong instances.
 */
public final class StoreApplications {

    private final Map<String, KafkaStreams> held;
    private final Map<String, String> notHeld;
    private final KafkaStreams others;

    private StoreApplications(Map<String, KafkaStreams> held, Map<String, String> notHeld, KafkaStreams others) {
        this.held = Map.copyOf(held);
        this.notHeld = Map.copyOf(notHeld);
        this.others = others;
    }

    /** One application holds every store. */
    public static StoreApplications single(KafkaStreams streams) {
        return new StoreApplications(Map.of(), Map.of(), Objects.requireNonNull(streams, "streams"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The application holding {@code store} here; empty when this instance runs none that does. */
    public Optional<KafkaStreams> holding(String store) {
        if (notHeld.containsKey(store)) {
            return Optional.empty();
        }
        return Optional.ofNullable(held.getOrDefault(store, others));
    }

    /** Why no application here holds {@code store}, for the client. */
    public String whyNotHeld(String store) {
        return notHeld.getOrDefault(store, "no application of this instance holds " + store);
    }

    public static final class Builder {
        private final Map<String, KafkaStreams> held = new HashMap<>();
        private final Map<String, String> notHeld = new HashMap<>();

        private Builder() {
        }

        /** {@code streams} holds {@code stores}. */
        public Builder held(Set<String> stores, KafkaStreams streams) {
            Objects.requireNonNull(streams, "streams");
            stores.forEach(store -> held.put(store, streams));
            return this;
        }

        /** No application of this instance holds {@code stores}, for {@code reason}. */
        public Builder notHeld(Set<String> stores, String reason) {
            stores.forEach(store -> notHeld.put(store, Objects.requireNonNull(reason, "reason")));
            return this;
        }

        /** Stores named neither held nor not held have no application here. */
        public StoreApplications build() {
            return new StoreApplications(held, notHeld, null);
        }
    }
}
