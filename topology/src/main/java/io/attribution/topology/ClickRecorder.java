package io.attribution.topology;

import io.attribution.avro.Click;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Remembers each click by click_id, so that its postbacks can find it. */
final class ClickRecorder implements Processor<String, Click, Void, Void> {

    private KeyValueStore<String, Click> clicks;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        clicks = context.getStateStore(StoreNames.CLICKS);
    }

    @Override
    public void process(Record<String, Click> record) {
        if (record.key() != null && record.value() != null) {
            clicks.put(record.key(), record.value());
        }
    }
}
