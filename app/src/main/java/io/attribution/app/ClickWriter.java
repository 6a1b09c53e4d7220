package io.attribution.app;

import io.attribution.avro.Click;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

/** Writes clicks to the clicks topic, keyed by click id, each acknowledged before the call returns: the demo's clicks. */
public final class ClickWriter implements AutoCloseable {

    private final KafkaProducer<String, Click> producer;

    public ClickWriter(String bootstrapServers, RecordSerdes serdes) {
        this(KafkaClientSettings.plaintext(bootstrapServers), serdes);
    }

    public ClickWriter(KafkaClientSettings cluster, RecordSerdes serdes) {
        this.producer = new KafkaProducer<>(ProducerSettings.safe(cluster, "click-writer"),
                new StringSerializer(), serdes.valueSerializer(Topics.CLICKS));
    }

    public void write(Click click) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(Topics.CLICKS.name(), click.getClickId(), click)).get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
