package io.attribution.bench;

import io.attribution.app.DemoData;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pre-loads the input every measured topology reads from the beginning: the demo campaign (two
 * goals, no caps), the clicks, then the postbacks, each for a known click, so that every postback
 * becomes one attributed conversion. Clicks are all older than postbacks, so Kafka Streams, which
 * processes a task's partitions in timestamp order, meets each click before its postbacks.
 */
final class InputLoader implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final RecordSerdes serdes;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    InputLoader(String bootstrapServers, RecordSerdes serdes) {
        this.serdes = serdes;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes everything and returns once the broker acknowledged all of it. */
    void load(int clickCount, int postbackCount) {
        Instant clicksStart = Instant.now().minus(Duration.ofHours(2));
        Instant postbacksStart = clicksStart.plus(Duration.ofHours(1));
        send(Topics.CAMPAIGNS, DemoData.CAMPAIGN_ID, DemoData.campaign(), Instant.now());
        Serializer<Click> clicks = serdes.valueSerializer(Topics.CLICKS);
        for (int i = 0; i < clickCount; i++) {
            Instant at = clicksStart.plusMillis(i);
            send(Topics.CLICKS, clicks, clickId(i), click(i, at), at);
        }
        Serializer<RawPostback> postbacks = serdes.valueSerializer(Topics.POSTBACKS_RAW);
        for (int j = 0; j < postbackCount; j++) {
            Instant at = postbacksStart.plusMillis(j);
            send(Topics.POSTBACKS_RAW, postbacks, clickId(j % clickCount), postback(j, clickCount, at), at);
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("pre-loading the input failed", failure.get());
        }
    }

    private static String clickId(int i) {
        return "bench-click-" + i;
    }

    private static Click click(int i, Instant at) {
        return Click.newBuilder().setClickId(clickId(i)).setCampaignId(DemoData.CAMPAIGN_ID)
                .setAffiliateId("bench-affiliate-" + (i % 50)).setClickedAt(at)
                .setIp("198.51.100." + (i % 250)).setUserAgent("Mozilla/5.0 (bench)")
                .setSubs(Map.of("sub1", "banner-" + (i % 7), "sub2", "placement-" + (i % 13)))
                .build();
    }

    /** The n-th postback of its click: installs and purchases alternate, each with its own txn id. */
    private static RawPostback postback(int j, int clickCount, Instant at) {
        return BenchPostbacks.of(j, clickId(j % clickCount), (j / clickCount) % 2 != 0, at);
    }

    private <V extends SpecificRecord> void send(Topic<V> topic, String key, V value, Instant at) {
        send(topic, serdes.valueSerializer(topic), key, value, at);
    }

    private <V extends SpecificRecord> void send(Topic<V> topic, Serializer<V> serializer, String key, V value,
                                                 Instant at) {
        if (failure.get() != null) {
            throw new IllegalStateException("pre-loading the input failed", failure.get());
        }
        byte[] bytes = serializer.serialize(topic.name(), value);
        producer.send(new ProducerRecord<>(topic.name(), null, at.toEpochMilli(), key, bytes), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
