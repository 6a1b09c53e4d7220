package io.attribution.query.endpoints;

import io.attribution.avro.ClickConversions;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionUnavailable;
import io.attribution.topology.StateBounds;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The filings of one key in one partition of a conversion index, which may file a key more than
 * once (see topology's ConversionIndex): the reader merges what the writer did not look for.
 * Read newest first, and only until they hold {@link StateBounds#DEFAULT_CONVERSIONS_PER_KEY}
 * conversions: a hot key (an ALLOW campaign's advertiser sending one txn id for every order) can
 * have a filing per conversion, and an answer must stay small. A filing is never cut in two.
 *
 * @param oldestFirst the filings read, oldest first
 * @param cut         whether older filings were left unread
 */
record ConversionFilings(List<ClickConversions> oldestFirst, boolean cut) {

    static ConversionFilings read(KafkaStreams streams, String store, String key, int partition, boolean activeOnly)
            throws PartitionUnavailable {
        return LocalStore.read(streams, store, QueryableStoreTypes.<String, ClickConversions>windowStore(), partition,
                activeOnly, window -> newestOf(window, key));
    }

    /** The newest filings of {@code key}, until they hold the bound's conversions. */
    static ConversionFilings newestOf(ReadOnlyWindowStore<String, ClickConversions> window, String key) {
        List<ClickConversions> filings = new ArrayList<>();
        int conversions = 0;
        boolean cut = false;
        try (WindowStoreIterator<ClickConversions> newestFirst =
                     window.backwardFetch(key, Instant.EPOCH, LatestInWindowStore.LATEST)) {
            while (newestFirst.hasNext()) {
                if (conversions >= StateBounds.DEFAULT_CONVERSIONS_PER_KEY) {
                    cut = true;
                    break;
                }
                ClickConversions filing = newestFirst.next().value;
                filings.add(filing);
                conversions += filing.getConversions().size();
            }
        }
        Collections.reverse(filings);
        return new ConversionFilings(filings, cut);
    }
}
