package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionLedger;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.postback.PostbackParameters;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy or hostile click_id must never make a record the broker refuses (1 MiB by default): every
 * per-key value has a bound, and past it a postback is rejected LIMIT_EXCEEDED, not attributed.
 * The driver does not enforce a record size, so the sizes are asserted here.
 */
class StateBoundsTest {

    /** Far below the broker's default max.message.bytes (1 MiB), with room for record overhead. */
    private static final int BROKER_SAFE_BYTES = 512 * 1024;
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.00", "2.00");

    private TopologyHarness topology;

    private void given(StateBounds bounds, MultiConversionMode mode, String... clicks) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO)
                .withBounds(bounds), NOW, TopologyHarness.RAM_DISK);
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install").setMultiConversion(mode).build());
        for (String clickId : clicks) {
            topology.click(click(clickId, "camp-1", NOW.minusSeconds(60)));
        }
    }

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void aHotClickStaysWithinItsBounds() {
        given(StateBounds.defaults(), MultiConversionMode.ALLOW, "hot", "cold");
        List<RawPostback> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(postback("hot", NOW.plusSeconds(i), largeParams("o-" + i, 1000)));
        }
        List<RawPostback> tooLarge = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tooLarge.add(postback("hot", NOW.plusSeconds(300 + i), largeParams("big-" + i, 2700)));
        }
        sent.forEach(topology::postback);
        tooLarge.forEach(topology::postback);

        Map<String, String> outcomes = outcomes();
        assertThat(tooLarge).allSatisfy(postback ->
                assertThat(outcomes.get(postback.getRequestId())).isEqualTo("REJECTED MALFORMED"));
        List<String> ofSent = sent.stream().map(postback -> outcomes.get(postback.getRequestId())).toList();
        int attributed = ofSent.indexOf("REJECTED LIMIT_EXCEEDED");
        assertThat(attributed).as("attributed until a bound").isGreaterThan(50);
        assertThat(ofSent.subList(0, attributed)).containsOnly("ATTRIBUTED");
        assertThat(ofSent.subList(attributed, ofSent.size())).containsOnly("REJECTED LIMIT_EXCEEDED");

        ConversionLedger ledger = latest(StoreNames.CLICK_LEDGER, "hot", ConversionLedger.class);
        assertThat(serialized(ledger)).isLessThan(StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY
                + ledger.getFingerprints().size() * 40);
        ClickConversions view = latest(QueryStores.CLICK_CONVERSIONS, "hot", ClickConversions.class);
        assertThat(view.getConversions()).hasSize(attributed);
        assertThat(serialized(view)).isLessThan(BROKER_SAFE_BYTES);

        // The click still takes status updates, and other clicks convert as ever.
        topology.postback(postback("hot", NOW.plusSeconds(400), "txn_id", "o-0", "status", "cancelled"));
        topology.postback(postback("cold", NOW.plusSeconds(401), "txn_id", "o-0"));
        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getClickId,
                        AttributedConversion::getStatus, AttributedConversion::getPreviousStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hot", ConversionStatus.CANCELLED,
                                ConversionStatus.APPROVED),
                        org.assertj.core.groups.Tuple.tuple("cold", ConversionStatus.APPROVED, null));
    }

    @Test
    void aClickHoldsAtMostItsConversionsAndSaysWhy() {
        given(new StateBounds(3, StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY), MultiConversionMode.ALLOW, "c-1");
        for (int i = 0; i < 4; i++) {
            topology.postback(postback("c-1", NOW.plusSeconds(i), "txn_id", "o-" + i));
        }

        assertThat(topology.attributed.readValuesToList()).hasSize(3);
        RejectedPostback refused = topology.rejected.readValue();
        assertThat(refused.getReason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(refused.getDetail()).isEqualTo("click c-1 already holds 3 conversions, the most one may hold");
        assertThat(refused.getCampaignId()).isEqualTo("camp-1");
    }

    @Test
    void uniqueTxnOrdersOfAClickCountAgainstItsBound() {
        given(new StateBounds(2, StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY), MultiConversionMode.UNIQUE_TXN, "c-1");
        for (int i = 0; i < 3; i++) {
            topology.postback(postback("c-1", NOW.plusSeconds(i), "txn_id", "o-" + i));
        }
        topology.postback(postback("c-1", NOW.plusSeconds(9), "txn_id", "o-1", "status", "cancelled"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getTxnId)
                .containsExactly("o-0", "o-1", "o-1");
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
    }

    @Test
    void aLedgerRemembersBoundedPostbacksAndNeverForgetsOne() {
        given(new StateBounds(1, StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY), MultiConversionMode.ALLOW, "c-1");
        String[] statuses = {"approved", "pending"};
        // One conversion, then status updates: ten postbacks in all, the most this ledger remembers.
        for (int i = 0; i < 11; i++) {
            topology.postback(postback("c-1", NOW.plusSeconds(i), "txn_id", "o-1", "status", statuses[i % 2],
                    "sub9", "n" + i));
        }

        assertThat(topology.attributed.readValuesToList()).hasSize(10);
        RejectedPostback refused = topology.rejected.readValue();
        assertThat(refused.getReason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(refused.getDetail()).contains("10 postbacks");
    }

    @Test
    void aTxnIdViewKeepsItsNewestConversionsAndSaysItDroppedSome() {
        given(new StateBounds(2, StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY), MultiConversionMode.ALLOW_UNIQUE_TXN,
                "c-1", "c-2", "c-3");
        for (String clickId : List.of("c-1", "c-2", "c-3")) {
            topology.postback(postback(clickId, NOW, "txn_id", "shared"));
        }

        ClickConversions view = latest(QueryStores.TXN_CONVERSIONS, "shared", ClickConversions.class);
        assertThat(view.getConversions()).extracting(AttributedConversion::getClickId).containsExactly("c-2", "c-3");
        assertThat(view.getCreatedAt()).hasSize(2);
        assertThat(view.getTruncated()).isTrue();
    }

    @Test
    void aPostbackRecordLargerThanAnyIngestWritesIsRejectedAndCarriedCutShort() {
        given(StateBounds.defaults(), MultiConversionMode.ALLOW, "c-1");
        RawPostback huge = RawPostback.newBuilder(postback("c-1", NOW, "txn_id", "o-1"))
                .setUserAgent("u".repeat(300_000)).build();

        topology.postback(huge);

        RejectedPostback refused = topology.rejected.readValue();
        assertThat(refused.getReason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(refused.getDetail()).contains(String.valueOf(CarriedPostback.MAX_BYTES));
        assertThat(refused.getRequestId()).isEqualTo(huge.getRequestId());
        assertThat(refused.getPostback().getQueryParams()).isEqualTo(huge.getQueryParams());
        assertThat(serialized(refused)).isLessThan(CarriedPostback.MAX_BYTES);
        assertThat(topology.attributed.isEmpty()).isTrue();
    }

    @Test
    void aPostbackCutShortStaysWithinTheBoundWhateverItCarried() {
        Map<String, List<String>> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            many.put("p" + i + "x".repeat(500), List.of("v".repeat(2000), "w".repeat(2000)));
        }
        RawPostback huge = RawPostback.newBuilder(postback("c".repeat(10_000), NOW)).setQueryParams(many)
                .setBodyParams(many).setForwardedFor("f".repeat(100_000)).build();

        RawPostback cut = CarriedPostback.cutShort(huge);

        assertThat(StateSize.of(cut)).isLessThan(CarriedPostback.MAX_BYTES);
        assertThat(serialized(cut)).isLessThanOrEqualTo(StateSize.of(cut));
        assertThat(cut.getClickId()).hasSize(256);
        assertThat(cut.getQueryParams()).hasSize(32).allSatisfy((name, values) -> {
            assertThat(name).hasSize(64);
            assertThat(values).hasSize(2).allSatisfy(value -> assertThat(value).hasSize(64));
        });
        assertThat(cut.getBodyParams()).isEmpty();
    }

    @Test
    void sizeEstimatesAreNeverBelowTheAvroSize() {
        RawPostback postback = postback("c-ünïcode-\ud83d\ude00", NOW, largeParams("o-1", 1000));
        AttributedConversion conversion = AttributedConversion.newBuilder()
                .setConversionId("id").setRequestId("req").setClickId("c").setCampaignId("camp")
                .setAdvertiserId("adv").setAffiliateId("aff").setGoalId("g").setGoalValue("gv").setTxnId("t-€")
                .setStatus(ConversionStatus.CANCELLED).setPreviousStatus(ConversionStatus.APPROVED)
                .setStatusReason(RejectionReason.CAP_REACHED)
                .setSaleAmount(new java.math.BigDecimal("999999999999.999999"))
                .setRevenue(new java.math.BigDecimal("999999999999.999999"))
                .setPayout(new java.math.BigDecimal("999999999999.999999")).setCurrency("USD")
                .setClickedAt(Instant.ofEpochMilli(Long.MAX_VALUE))
                .setConvertedAt(NOW).setSubs(Map.of("sub1", "\ud83d\ude00".repeat(100)))
                .setParams(PostbackParameters.of(postback).flatten()).build();

        assertThat(StateSize.of(postback)).isGreaterThanOrEqualTo(serialized(postback));
        assertThat(StateSize.of(conversion)).isGreaterThanOrEqualTo(serialized(conversion));
    }

    /** Parameters of about {@code valueBytes} x 3 bytes: three long values, a txn id and the click id. */
    private static String[] largeParams(String txnId, int valueBytes) {
        return new String[] {"txn_id", txnId, "sub2", "a".repeat(valueBytes), "sub3", "b".repeat(valueBytes),
                "coupon", "c".repeat(valueBytes)};
    }

    /** Each postback's one outcome, by request_id: ATTRIBUTED or REJECTED reason. */
    private Map<String, String> outcomes() {
        Map<String, String> outcomes = topology.attributed.readValuesToList().stream()
                .collect(Collectors.toMap(AttributedConversion::getRequestId, conversion -> "ATTRIBUTED"));
        topology.rejected.readValuesToList().forEach(rejection ->
                assertThat(outcomes.put(rejection.getRequestId(), "REJECTED " + rejection.getReason())).isNull());
        return outcomes;
    }

    private <V extends SpecificRecord> V latest(String storeName, String key, Class<V> type) {
        WindowStore<String, V> store = topology.driver.getWindowStore(storeName);
        return WindowedStores.latest(store, key).orElseThrow().value;
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> int serialized(V value) {
        return new BinaryAvroSerdes().valueSerde((Class<V>) value.getClass()).serializer().serialize("t", value).length;
    }
}
