package io.attribution.schemas;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionLedger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Fails the build when a schema change would break consumers of data already written. */
class SchemaCompatibilityTest {

    private static final String BASELINE = "/schemas-baseline/0.1.0/";
    /** Named types before the records that use them. */
    private static final List<String> FILES = List.of(
            "ActivityStatus", "PayoutType", "MultiConversionMode", "ConversionStatus", "RejectionReason",
            "Goal", "RawPostback", "Click", "Campaign", "AttributedConversion", "RejectedPostback",
            "ConversionCandidate", "ConversionLedger");

    /** Topic values, and what the topology keeps in stores and repartition topics. */
    static List<Class<?>> persistedTypes() {
        List<Class<?>> types = new java.util.ArrayList<>(Topics.all().stream().<Class<?>>map(Topic::valueType).toList());
        types.add(ConversionCandidate.class);
        types.add(ConversionLedger.class);
        return types;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("persistedTypes")
    void currentSchemaReadsDataWrittenWithTheBaseline(Class<?> type) throws Exception {
        Schema current = (Schema) type.getField("SCHEMA$").get(null);
        Schema previous = baseline().get(current.getFullName());

        assertThat(previous).as("baseline schema of %s", current.getFullName()).isNotNull();
        assertThat(compatibility(current, previous).getType())
                .as(compatibility(current, previous).getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void aNewFieldWithoutDefaultIsCaught() {
        Schema previous = baseline().get(Campaign.getClassSchema().getFullName());
        String withRequiredField = previous.toString().replaceFirst(
                "\"fields\":\\[", "\"fields\":[{\"name\":\"owner\",\"type\":\"string\"},");
        Schema changed = new Schema.Parser().parse(withRequiredField);

        assertThat(compatibility(changed, previous).getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    /** A click written before the postback tester is a real one: test clicks only come from the tester. */
    @Test
    void aClickWrittenWithTheBaselineReadsAsNotTest() throws Exception {
        Schema previous = baseline().get(Click.getClassSchema().getFullName());
        GenericRecord old = new GenericData.Record(previous);
        old.put("click_id", "c1");
        old.put("campaign_id", "camp");
        old.put("affiliate_id", "aff");
        old.put("clicked_at", 1L);
        old.put("subs", Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(previous).write(old, encoder);
        encoder.flush();

        Click read = new SpecificDatumReader<Click>(previous, Click.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getTest()).isFalse();
    }

    private static SchemaCompatibility.SchemaPairCompatibility compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    }

    private static Map<String, Schema> baseline() {
        Schema.Parser parser = new Schema.Parser();
        return FILES.stream().map(name -> {
            try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(BASELINE + name + ".avsc")) {
                return parser.parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).collect(Collectors.toMap(Schema::getFullName, schema -> schema));
    }
}
