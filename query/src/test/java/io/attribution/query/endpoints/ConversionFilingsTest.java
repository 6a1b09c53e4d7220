package io.attribution.query.endpoints;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionStatus;
import io.attribution.topology.StateBounds;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key of a conversion index filed more than once is read newest filing first, and only until the
 * filings hold the per-key bound of conversions: a hot key must not make an answer unbounded.
 * On a real (in-memory) Kafka Streams window store.
 */
class ConversionFilingsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private WindowStore<String, ClickConversions> store;

    @BeforeEach
    void open() {
        store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore("txn-conversions-store", Duration.ofDays(60),
                        Duration.ofMillis(1), false), Serdes.String(), avro())
                .withLoggingDisabled().withCachingDisabled().build();
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aKeyFiledTwiceIsReadWholeOldestFirst() {
        store.put("o-1", filing("a"), T0.toEpochMilli());
        store.put("o-1", filing("b"), T0.plusSeconds(60).toEpochMilli());
        store.put("o-2", filing("other"), T0.plusSeconds(30).toEpochMilli());

        ConversionFilings read = ConversionFilings.newestOf(store, "o-1");

        assertThat(read.cut()).isFalse();
        assertThat(read.oldestFirst()).extracting(f -> f.getConversions().get(0).getConversionId())
                .containsExactly("a", "b");
    }

    @Test
    void aHotKeyIsReadNewestFirstUntilTheFilingsHoldTheBound() {
        int bound = StateBounds.DEFAULT_CONVERSIONS_PER_KEY;
        IntStream.range(0, bound + 50).forEach(i -> store.put("o-1", filing("c-" + i), T0.plusMillis(i).toEpochMilli()));

        ConversionFilings read = ConversionFilings.newestOf(store, "o-1");

        assertThat(read.cut()).isTrue();
        assertThat(read.oldestFirst()).hasSize(bound);
        assertThat(read.oldestFirst().get(0).getConversions().get(0).getConversionId()).isEqualTo("c-50");
        assertThat(read.oldestFirst().get(bound - 1).getConversions().get(0).getConversionId())
                .isEqualTo("c-" + (bound + 49));
    }

    @Test
    void exactlyTheBoundIsNotCut() {
        int bound = StateBounds.DEFAULT_CONVERSIONS_PER_KEY;
        IntStream.range(0, bound).forEach(i -> store.put("o-1", filing("c-" + i), T0.plusMillis(i).toEpochMilli()));

        assertThat(ConversionFilings.newestOf(store, "o-1").cut()).isFalse();
        assertThat(ConversionFilings.newestOf(store, "unknown").oldestFirst()).isEmpty();
    }

    private static ClickConversions filing(String conversionId) {
        AttributedConversion conversion = AttributedConversion.newBuilder().setConversionId(conversionId)
                .setRequestId(conversionId).setClickId("click").setCampaignId("camp").setAdvertiserId("adv")
                .setAffiliateId("aff").setGoalId("g").setGoalValue("goal").setTxnId("o-1")
                .setStatus(ConversionStatus.APPROVED).setRevenue(BigDecimal.ONE).setPayout(BigDecimal.ONE)
                .setCurrency("USD").setClickedAt(T0).setConvertedAt(T0).build();
        return new ClickConversions(List.of(conversion), Map.of(conversionId, T0.toEpochMilli()), false);
    }

    /** Plain Avro binary: the store needs bytes, not the registry's framing. */
    private static Serde<ClickConversions> avro() {
        return Serdes.serdeFrom((topic, value) -> {
            try {
                ByteBuffer buffer = value.toByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, (topic, bytes) -> {
            try {
                return ClickConversions.fromByteBuffer(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
