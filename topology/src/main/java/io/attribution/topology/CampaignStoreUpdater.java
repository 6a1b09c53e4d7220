package io.attribution.topology;

import io.attribution.avro.Campaign;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global campaign store equal to the compacted campaigns topic; a tombstone removes. */
final class CampaignStoreUpdater implements Processor<String, Campaign, Void, Void> {

    private KeyValueStore<String, Campaign> campaigns;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
    }

    @Override
    public void process(Record<String, Campaign> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            campaigns.delete(record.key());
        } else {
            campaigns.put(record.key(), record.value());
        }
    }
}
