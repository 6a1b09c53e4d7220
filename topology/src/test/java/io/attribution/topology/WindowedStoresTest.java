package io.attribution.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.attribution.topology.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** The latest value of a key in a windowed store, looked up where it likely is before scanning all time. */
class WindowedStoresTest {

    private static final long CLICKED_AT = NOW.minus(Duration.ofDays(2)).toEpochMilli();
    private static final long LATER_CLICK = NOW.minus(Duration.ofDays(1)).toEpochMilli();

    private TopologyHarness topology;
    private WindowStore<String, Long> store;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults(), NOW);
        store = topology.driver.getWindowStore(StoreNames.CAPPED_CONVERSIONS);
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void aValueFiledWhereItIsLikelyIsFoundThereWithItsTime() {
        store.put("k", 7L, CLICKED_AT);

        assertThat(WindowedStores.latest(store, "k", CLICKED_AT)).contains(KeyValue.pair(CLICKED_AT, 7L));
    }

    @Test
    void aValueFiledElsewhereIsFoundByTheScanWithItsTime() {
        // The same click id sent again with a later time: its ledger stays where the first one filed it.
        store.put("k", 7L, CLICKED_AT);

        assertThat(WindowedStores.latest(store, "k", LATER_CLICK)).contains(KeyValue.pair(CLICKED_AT, 7L));
        assertThat(WindowedStores.latest(store, "k", LATER_CLICK))
                .isEqualTo(WindowedStores.latest(store, "k"));
    }

    @Test
    void aKeyFiledNowhereHasNoValue() {
        store.put("other", 7L, CLICKED_AT);

        assertThat(WindowedStores.latest(store, "k", CLICKED_AT)).isEmpty();
    }
}
