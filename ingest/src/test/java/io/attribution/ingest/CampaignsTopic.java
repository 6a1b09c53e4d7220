package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/** {@code campaigns} as the edge's protections read it: one partition, written before the edge starts. */
final class CampaignsTopic {

    private CampaignsTopic() {
    }

    /** Creates the topic on the kit's broker and writes the campaigns to it, each acknowledged. */
    static void write(KafkaKit kit, RegistrySerdes serdes, Campaign... campaigns) throws Exception {
        kit.createTopics(1, Topics.CAMPAIGNS.name());
        try (KafkaProducer<String, Campaign> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new StringSerializer(), serdes.valueSerializer(Topics.CAMPAIGNS))) {
            for (Campaign campaign : campaigns) {
                producer.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), campaign.getCampaignId(), campaign)).get();
            }
        }
    }
}
