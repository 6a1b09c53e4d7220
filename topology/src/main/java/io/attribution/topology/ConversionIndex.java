package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conversions under a key (a click, a txn id), each at its latest status, in a windowed store so
 * they expire with the store's retention. Remembers when each conversion was created: its stats
 * hour, which a status update (that carries its own time) does not move. Keeps the most recently
 * changed conversions within the {@link StateBounds}, and says when it dropped older ones.
 */
final class ConversionIndex {

    private final WindowStore<String, ClickConversions> store;
    private final StateBounds bounds;

    ConversionIndex(WindowStore<String, ClickConversions> store, StateBounds bounds) {
        this.store = store;
        this.bounds = bounds;
    }

    /**
     * Files {@code conversion} under {@code key}, replacing an earlier status of it.
     *
     * @param fileAt where a key seen for the first time is filed; a known key stays where it is
     * @return when the conversion was created, as far as this index knows
     */
    Instant record(String key, AttributedConversion conversion, Instant fileAt) {
        // A key is refiled where it was found, so a known one is usually where a new one is filed.
        Optional<KeyValue<Long, ClickConversions>> known = WindowedStores.latest(store, key, fileAt.toEpochMilli());
        List<AttributedConversion> conversions = new ArrayList<>();
        Map<String, Long> createdAt = new HashMap<>();
        boolean truncated = false;
        if (known.isPresent()) {
            conversions.addAll(known.get().value.getConversions());
            createdAt.putAll(known.get().value.getCreatedAt());
            truncated = known.get().value.getTruncated();
        }
        String id = conversion.getConversionId();
        conversions.removeIf(c -> c.getConversionId().equals(id));
        conversions.add(conversion);
        // An update whose creation this index never saw (expired, dropped, or created before the
        // index existed) counts from its own time: the best this partition knows.
        long created = createdAt.computeIfAbsent(id, unknown -> conversion.getConvertedAt().toEpochMilli());
        int bytes = conversions.stream().mapToInt(StateSize::of).sum();
        while (conversions.size() > 1 && (conversions.size() > bounds.conversionsPerKey()
                || bytes > bounds.conversionBytesPerKey())) {
            AttributedConversion oldest = conversions.remove(0);
            createdAt.remove(oldest.getConversionId());
            bytes -= StateSize.of(oldest);
            truncated = true;
        }
        long filedAt = known.map(entry -> entry.key).orElse(fileAt.toEpochMilli());
        store.put(key, new ClickConversions(conversions, createdAt, truncated), filedAt);
        return Instant.ofEpochMilli(created);
    }
}
