package io.attribution.connect.postbacks;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Writes AttributedConversions to Kafka as the topology does: RegistrySerdes, keyed by click_id. Public for bench's
 * PostbackThroughputBenchmark, which gets it from this module's test-jar.
 */
public final class TestConversions implements AutoCloseable {

    private final KafkaProducer<String, AttributedConversion> producer;

    public TestConversions(String bootstrapServers, RegistrySerdes serdes) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), serdes.valueSerde(AttributedConversion.class).serializer());
    }

    public static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create " + topic, e.getCause());
        }
    }

    public static AttributedConversion.Builder conversion(String affiliateId) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        return AttributedConversion.newBuilder()
                .setConversionId("conv-" + id)
                .setRequestId("req-" + id)
                .setClickId("click-" + id)
                .setCampaignId("camp-1")
                .setAdvertiserId("adv-1")
                .setAffiliateId(affiliateId)
                .setGoalId("purchase")
                .setGoalValue("purchase")
                .setTxnId("order-" + id)
                .setStatus(ConversionStatus.APPROVED)
                .setPreviousStatus(null)
                .setSaleAmount(money("49.90"))
                .setRevenue(money("7.49"))
                .setPayout(money("4.99"))
                .setCurrency("USD")
                .setClickedAt(now.minusSeconds(60))
                .setConvertedAt(now)
                .setSubs(Map.of())
                .setParams(Map.of());
    }

    static BigDecimal money(String amount) {
        return new BigDecimal(amount).setScale(6, RoundingMode.UNNECESSARY);
    }

    public void write(String topic, AttributedConversion conversion) {
        producer.send(new ProducerRecord<>(topic, conversion.getClickId(), conversion));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
