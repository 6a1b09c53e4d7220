package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions under a key (a click, a txn id), each at its latest status, in a windowed store so
 * they expire with the store's retention. Remembers when each conversion was created: its stats
 * hour, which a status update (that carries its own time) does not move. Keeps the most recently
 * changed conversions within the {@link StateBounds}, and says when it dropped older ones.
 *
 * <p>A key may have more than one filing: a new conversion goes to the filing at its own filing
 * time, found by one point read, without looking for the key anywhere else. Looking elsewhere is a
 * scan that opens an iterator in every live segment, and nearly every key is new there (a txn id,
 * a click's first conversion), so that scan was most of this index's cost. Two filings of one key
 * are rare (a click id sent again with another click time; a txn id an ALLOW campaign took on two
 * conversions created at other times) and readers merge them ({@code ConversionList}). A status
 * update goes to the filing that holds its conversion, so that it keeps its creation time: it is
 * filed at its conversion's click and creation times, so found by the same point read, and
 * looked for in the other filings (the newest {@link StateBounds#conversionsPerKey()} of them)
 * only when that read does not hold it.
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
     * @param fileAt the filing a new conversion goes to; an update goes to the one that holds it
     * @return when the conversion was created, as far as this index knows
     */
    Instant record(String key, AttributedConversion conversion, Instant fileAt) {
        String id = conversion.getConversionId();
        KeyValue<Long, ClickConversions> filing = filingFor(key, conversion, fileAt.toEpochMilli());
        List<AttributedConversion> conversions = new ArrayList<>();
        Map<String, Long> createdAt = new HashMap<>();
        boolean truncated = false;
        if (filing.value != null) {
            conversions.addAll(filing.value.getConversions());
            createdAt.putAll(filing.value.getCreatedAt());
            truncated = filing.value.getTruncated();
        }
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
        store.put(key, new ClickConversions(conversions, createdAt, truncated), filing.key);
        return Instant.ofEpochMilli(created);
    }

    /** The filing the conversion goes to, with its value (null: a new filing at {@code fileAt}). */
    private KeyValue<Long, ClickConversions> filingFor(String key, AttributedConversion conversion, long fileAt) {
        ClickConversions there = store.fetch(key, fileAt);
        // Only an update (a conversion with a previous status) can be held elsewhere.
        if (conversion.getPreviousStatus() == null || holds(there, conversion)) {
            return KeyValue.pair(fileAt, there);
        }
        // Newest first, and only so far: a hot key (an ALLOW campaign's advertiser sending one txn id
        // for every order) can have a filing per conversion, and the stream thread must not read them all.
        try (WindowStoreIterator<ClickConversions> filings = WindowedStores.newestFirst(store, key)) {
            for (int looked = 0; looked < bounds.conversionsPerKey() && filings.hasNext(); looked++) {
                KeyValue<Long, ClickConversions> filing = filings.next();
                if (holds(filing.value, conversion)) {
                    return filing;
                }
            }
        }
        return KeyValue.pair(fileAt, there);
    }

    private static boolean holds(ClickConversions filing, AttributedConversion conversion) {
        return filing != null && filing.getConversions().stream()
                .anyMatch(c -> c.getConversionId().equals(conversion.getConversionId()));
    }
}
