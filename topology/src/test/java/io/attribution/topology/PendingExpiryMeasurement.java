package io.attribution.topology;

import io.attribution.avro.RawPostback;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one grace-check punctuation costs with 100,000 postbacks waiting, on real RocksDB stores
 * with the production RocksDB settings. A measurement, not part of the build's tests (its name is
 * no test's): {@code mvn -o -q test -pl topology -am -Dtest=PendingExpiryMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}. Prints the median and the max of the punctuations.
 */
class PendingExpiryMeasurement {

    private static final int PENDING = 100_000;
    private static final int PUNCTUATIONS = 20;
    private static final int EXPIRING_PER_PUNCTUATION = 5;
    private static final Duration GRACE = AttributionSettings.DEFAULT_GRACE;
    /** One postback a millisecond: the first grace ends at BASE + GRACE, the last 100 s later. */
    private static final Instant BASE = Fixtures.NOW;

    @Test
    void oneGraceCheckWith100000PendingPostbacks(@TempDir Path stateDir) {
        MockProcessorContext<String, Outcome> context = new MockProcessorContext<>(
                StreamsSettings.of("pending-expiry-measurement", "unused:9092", stateDir, Map.of()),
                new TaskId(0, 0), stateDir.toFile());
        KeyValueStore<String, RawPostback> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.PENDING_POSTBACKS), Serdes.String(),
                        new BinaryAvroSerdes().valueSerde(Topics.POSTBACKS_RAW))
                .withLoggingDisabled().build();
        KeyValueStore<Bytes, byte[]> byTime = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.PENDING_POSTBACKS_BY_TIME), Serdes.Bytes(),
                        Serdes.ByteArray())
                .withLoggingDisabled().build();
        for (KeyValueStore<?, ?> each : List.of(store, byTime)) {
            each.init(context.getStateStoreContext(), each);
            context.addStateStore(each);
        }
        PendingPostbacks pending = new PendingPostbacks(store, byTime);
        for (int i = 0; i < PENDING; i++) {
            pending.hold(Fixtures.postback("unknown-click-" + i, BASE.plusMillis(i)));
        }
        store.flush();
        byTime.flush();
        PostbackAttributor attributor = PostbackAttributor.ofInput(AttributionSettings.defaults(),
                new EventTimeBounds(Clock.systemUTC(), AttributionSettings.DEFAULT_MAX_EVENT_TIME_SKEW,
                        AttributionSettings.DEFAULT_CLICK_RETENTION), Clock.systemUTC(), new CampaignChanges());
        attributor.init(context);
        Punctuator graceCheck = context.scheduledPunctuators().get(0).getPunctuator();

        Instant beforeFirstExpiry = BASE.plus(GRACE).minusMillis(1);
        List<Long> nothingExpires = new ArrayList<>();
        for (int i = 0; i < PUNCTUATIONS; i++) {
            nothingExpires.add(punctuate(context, graceCheck, beforeFirstExpiry));
        }
        assertThat(context.forwarded()).isEmpty();
        List<Long> fewExpire = new ArrayList<>();
        for (int i = 1; i <= PUNCTUATIONS; i++) {
            Instant now = beforeFirstExpiry.plusMillis((long) i * EXPIRING_PER_PUNCTUATION);
            fewExpire.add(punctuate(context, graceCheck, now));
        }
        assertThat(context.forwarded()).hasSize(PUNCTUATIONS * EXPIRING_PER_PUNCTUATION);
        // Half expire at once; their deletions stay in RocksDB (as tombstones) until compacted away.
        Instant halfExpired = BASE.plus(GRACE).plusMillis(PENDING / 2);
        punctuate(context, graceCheck, halfExpired);
        List<Long> afterHalfExpired = new ArrayList<>();
        for (int i = 0; i < PUNCTUATIONS; i++) {
            afterHalfExpired.add(punctuate(context, graceCheck, halfExpired));
        }

        System.out.printf("PendingExpiryMeasurement: %d pending, %d punctuations each; nothing expires: median %.3f"
                        + " ms, max %.3f ms; %d expire: median %.3f ms, max %.3f ms; nothing expires after %d"
                        + " expired at once: median %.3f ms, max %.3f ms%n", PENDING, PUNCTUATIONS,
                median(nothingExpires), max(nothingExpires), EXPIRING_PER_PUNCTUATION, median(fewExpire),
                max(fewExpire), PENDING / 2, median(afterHalfExpired), max(afterHalfExpired));
        store.close();
        byTime.close();
    }

    /** Stream time at {@code now} and behind the clock: grace is measured on it. Returns nanoseconds taken. */
    private static long punctuate(MockProcessorContext<String, Outcome> context, Punctuator graceCheck, Instant now) {
        context.setCurrentStreamTimeMs(now.toEpochMilli());
        long start = System.nanoTime();
        graceCheck.punctuate(now.toEpochMilli());
        return System.nanoTime() - start;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        int middle = sorted.size() / 2;
        double nanos50 = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return nanos50 / 1e6;
    }

    private static double max(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).max().orElseThrow() / 1e6;
    }
}
