package io.attribution.schemas;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerde;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RawPostback;
import io.attribution.embedded.testkit.KafkaKit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry serdes write exactly the bytes Apicurio's own serdes write, and read them back:
 * their caches (resolved schemas, Avro readers and writers) change the cost, never the data.
 */
class RegistrySerdesIT {

    private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static RegistrySerdes serdes;

    @BeforeAll
    static void connectSerdes() {
        serdes = new RegistrySerdes(kit.registryUrl());
    }

    @Test
    void writesWhatApicurioWritesAndReadsItBack() {
        assertSameBytesBothWays(Topics.POSTBACKS_RAW.name(), RawPostback.class, List.of(postback("c-1"), postback("c-2")));
        assertSameBytesBothWays(Topics.CLICKS.name(), Click.class, List.of(click("c-1"), click("c-2")));
        assertSameBytesBothWays(Topics.CAMPAIGNS.name(), Campaign.class, List.of(campaign()));
        assertSameBytesBothWays(Topics.CONVERSIONS_ATTRIBUTED.name(), AttributedConversion.class,
                List.of(conversion(null), conversion(ConversionStatus.PENDING)));
        // The same record type under another topic is another artifact: resolved on its own.
        assertSameBytesBothWays("app-clicks-store-changelog", Click.class, List.of(click("c-3")));
    }

    @Test
    void readsFromManyThreadsAtOnce() throws Exception {
        Serde<RawPostback> serde = serdes.valueSerde(RawPostback.class);
        List<RawPostback> postbacks = new ArrayList<>();
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            postbacks.add(postback("c-" + i));
            written.add(serde.serializer().serialize(Topics.POSTBACKS_RAW.name(), postbacks.get(i)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<RawPostback>>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(() -> written.stream()
                        .map(bytes -> serde.deserializer().deserialize(Topics.POSTBACKS_RAW.name(), bytes)).toList());
            }
            for (Future<List<RawPostback>> read : threads.invokeAll(readers)) {
                assertThat(read.get()).isEqualTo(postbacks);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Twice over, so that the second pass goes through the caches the first one filled. */
    private static <V extends SpecificRecord> void assertSameBytesBothWays(String topic, Class<V> type, List<V> records) {
        Serde<V> cached = serdes.valueSerde(type);
        Serde<V> apicurio = apicurioDefaults();
        for (int pass = 0; pass < 2; pass++) {
            for (V record : records) {
                byte[] ours = cached.serializer().serialize(topic, record);
                byte[] theirs = apicurio.serializer().serialize(topic, record);
                assertThat(ours).as("%s on %s", type.getSimpleName(), topic).isEqualTo(theirs);
                assertThat(cached.deserializer().deserialize(topic, theirs)).isEqualTo(record);
                assertThat(apicurio.deserializer().deserialize(topic, ours)).isEqualTo(record);
            }
        }
    }

    /** Apicurio's serde with the same settings but its own resolver and datum provider. */
    private static <V extends SpecificRecord> Serde<V> apicurioDefaults() {
        Map<String, Object> config = new HashMap<>(serdes.config());
        config.remove(SerdeConfig.SCHEMA_RESOLVER);
        config.remove(AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER);
        AvroSerde<V> serde = new AvroSerde<>();
        serde.configure(config, false);
        return serde;
    }

    private static RawPostback postback(String clickId) {
        return RawPostback.newBuilder().setRequestId("r-" + clickId).setReceivedAt(AT).setClickId(clickId)
                .setMethod("GET")
                .setQueryParams(Map.of("click_id", List.of(clickId), "sale_amount", List.of("49.90")))
                .setBodyParams(Map.of()).setRemoteAddr("203.0.113.9").setUserAgent("server/1.0").build();
    }

    private static Click click(String clickId) {
        return Click.newBuilder().setClickId(clickId).setCampaignId("camp-1").setAffiliateId("aff-7")
                .setClickedAt(AT).setSubs(Map.of("sub1", "banner-a")).build();
    }

    private static Campaign campaign() {
        Goal purchase = Goal.newBuilder().setGoalId("purchase").setValue("purchase")
                .setPayoutType(PayoutType.PERCENT).setPayout(new BigDecimal("10.000000"))
                .setRevenueType(PayoutType.PERCENT).setRevenue(new BigDecimal("15.000000"))
                .setDailyCap(100).setMultiConversion(MultiConversionMode.UNIQUE_TXN).build();
        return Campaign.newBuilder().setCampaignId("camp-1").setAdvertiserId("adv-1").setStatus(ActivityStatus.ACTIVE)
                .setSecurityToken("secret").setAllowedIps(List.of("203.0.113.0/24")).setGoals(List.of(purchase))
                .build();
    }

    private static AttributedConversion conversion(ConversionStatus previous) {
        return AttributedConversion.newBuilder().setConversionId("r-1").setRequestId("r-1").setClickId("c-1")
                .setCampaignId("camp-1").setAdvertiserId("adv-1").setAffiliateId("aff-7").setGoalId("purchase")
                .setGoalValue("purchase").setTxnId("order-1").setStatus(ConversionStatus.APPROVED)
                .setPreviousStatus(previous).setSaleAmount(new BigDecimal("49.900000"))
                .setRevenue(new BigDecimal("7.485000")).setPayout(new BigDecimal("4.990000")).setCurrency("USD")
                .setClickedAt(AT).setConvertedAt(AT.plusSeconds(60)).setSubs(Map.of("sub1", "banner-a"))
                .setParams(Map.of("coupon", "XMAS")).build();
    }
}
