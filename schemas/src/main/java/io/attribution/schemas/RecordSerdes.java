package io.attribution.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Where the pipeline gets the Avro serde of a record type. Production uses the schema registry
 * ({@link RegistrySerdes}); topology unit tests plug in plain Avro binary so they need no server.
 */
public interface RecordSerdes {

    <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type);

    default <V extends SpecificRecord> Serde<V> valueSerde(Topic<V> topic) {
        return valueSerde(topic.valueType());
    }

    default <V extends SpecificRecord> Serializer<V> valueSerializer(Topic<V> topic) {
        return valueSerde(topic).serializer();
    }

    default <V extends SpecificRecord> Deserializer<V> valueDeserializer(Topic<V> topic) {
        return valueSerde(topic).deserializer();
    }
}
