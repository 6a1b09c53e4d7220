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
 * Writes the benchmark's input: once the demo campaign (two goals, no caps), then before each round
 * that round's clicks and postbacks ({@link RoundInput}), each postback for a click of the round.
 * A click is always older than its postbacks, so Kafka Streams, which processes a task's
 * partitions in timestamp order, meets each click before its postbacks.
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

    /** Writes the demo campaign that every postback names, and returns once the broker has it. */
    void loadCampaign() {
        send(Topics.CAMPAIGNS, DemoData.CAMPAIGN_ID, DemoData.campaign(), Instant.now());
        flush();
    }

    /** Writes a round's input and returns once the broker acknowledged all of it. */
    void load(RoundInput input) {
        Serializer<Click> clicks = serdes.valueSerializer(Topics.CLICKS);
        Serializer<RawPostback> postbacks = serdes.valueSerializer(Topics.POSTBACKS_RAW);
        String prefix = input.idPrefix();
        if (input.clicksMix()) {
            // Block b: its clicks, then one postback for the block's first click, a millisecond apart.
            int block = input.clicks() / input.postbacks();
            Instant start = Instant.now().minus(Duration.ofHours(1)).minusMillis(input.records());
            long at = 0;
            for (int b = 0; b < input.postbacks(); b++) {
                for (int c = 0; c < block; c++) {
                    int i = b * block + c;
                    Instant clickedAt = start.plusMillis(at++);
                    send(Topics.CLICKS, clicks, clickId(prefix, i), click(prefix, i, clickedAt), clickedAt);
                }
                Instant receivedAt = start.plusMillis(at++);
                String clickId = clickId(prefix, b * block);
                send(Topics.POSTBACKS_RAW, postbacks, clickId,
                        BenchPostbacks.of(prefix, b, clickId, b % 2 != 0, receivedAt), receivedAt);
            }
        } else {
            Instant clicksStart = Instant.now().minus(Duration.ofHours(2));
            for (int i = 0; i < input.clicks(); i++) {
                Instant at = clicksStart.plusMillis(i);
                send(Topics.CLICKS, clicks, clickId(prefix, i), click(prefix, i, at), at);
            }
            writePostbacks(input, postbacks, clicksStart.plus(Duration.ofHours(1)));
        }
        flush();
    }

    /**
     * Writes only the postbacks of an ordinary round whose clicks an earlier {@link #load} wrote
     * (with no postbacks), received from an hour ago on.
     */
    void loadPostbacks(RoundInput input) {
        writePostbacks(input, serdes.valueSerializer(Topics.POSTBACKS_RAW), Instant.now().minus(Duration.ofHours(1)));
        flush();
    }

    private void writePostbacks(RoundInput input, Serializer<RawPostback> postbacks, Instant start) {
        String prefix = input.idPrefix();
        for (int j = 0; j < input.postbacks(); j++) {
            // The n-th postback of its click: installs and purchases alternate, each with its own txn id.
            Instant at = start.plusMillis(j);
            String clickId = clickId(prefix, j % input.clicks());
            send(Topics.POSTBACKS_RAW, postbacks, clickId,
                    BenchPostbacks.of(prefix, j, clickId, (j / input.clicks()) % 2 != 0, at), at);
        }
    }

    private void flush() {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("pre-loading the input failed", failure.get());
        }
    }

    private static String clickId(String prefix, int i) {
        return prefix + "-click-" + i;
    }

    private static Click click(String prefix, int i, Instant at) {
        return Click.newBuilder().setClickId(clickId(prefix, i)).setCampaignId(DemoData.CAMPAIGN_ID)
                .setAffiliateId("bench-affiliate-" + (i % 50)).setClickedAt(at)
                .setIp("198.51.100." + (i % 250)).setUserAgent("Mozilla/5.0 (bench)")
                .setSubs(Map.of("sub1", "banner-" + (i % 7), "sub2", "placement-" + (i % 13)))
                .build();
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
