package io.attribution.schemas;

import org.apache.avro.specific.SpecificRecord;

/**
 * A topic of the pipeline: its name, the Avro type of its values and how Kafka keeps it.
 * Keys are always the UTF-8 string of the id named in {@code keyField}.
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, String keyField, boolean compacted) {

    @Override
    public String toString() {
        return name;
    }
}
