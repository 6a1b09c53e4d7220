package io.attribution.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes a record the way any Confluent-compatible consumer does, with nothing of ours: magic
 * byte 0, a 4-byte big-endian schema id looked up at the registry's ccompat API, then Avro binary.
 */
final class ConfluentWireDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ccompatUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final GenericData model = new GenericData();

    ConfluentWireDecoder(String ccompatUrl) {
        this.ccompatUrl = ccompatUrl;
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
    }

    GenericRecord decode(byte[] bytes) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.get() != 0) {
            throw new IllegalArgumentException("not the Confluent wire format: magic byte is " + bytes[0]);
        }
        Schema schema = schema(buffer.getInt());
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema, schema, model);
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    Schema schema(int id) throws IOException, InterruptedException {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(ccompatUrl + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("schema id " + id + ": HTTP " + response.statusCode() + " " + response.body());
        }
        Schema schema = new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
        schemas.put(id, schema);
        return schema;
    }
}
