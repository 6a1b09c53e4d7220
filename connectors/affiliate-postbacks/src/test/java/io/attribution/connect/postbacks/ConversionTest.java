package io.attribution.connect.postbacks;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversionTest {

    /** The shape Apicurio's AvroConverter gives an AttributedConversion (fields the postbacks do not use left out). */
    private static final Schema SCHEMA = SchemaBuilder.struct().name("io.attribution.avro.AttributedConversion")
            .field("conversion_id", Schema.STRING_SCHEMA)
            .field("click_id", Schema.STRING_SCHEMA)
            .field("campaign_id", Schema.STRING_SCHEMA)
            .field("affiliate_id", Schema.STRING_SCHEMA)
            .field("goal_id", Schema.STRING_SCHEMA)
            .field("goal_value", Schema.STRING_SCHEMA)
            .field("txn_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", Schema.STRING_SCHEMA)
            .field("previous_status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payout", Decimal.schema(6))
            .field("currency", Schema.STRING_SCHEMA)
            .field("subs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
            .build();

    @Test
    void readsTheStructTheAvroConverterGives() {
        Struct struct = new Struct(SCHEMA).put("conversion_id", "conv-1").put("click_id", "click-1")
                .put("campaign_id", "camp-1").put("affiliate_id", "aff-1").put("goal_id", "g1")
                .put("goal_value", "purchase").put("txn_id", null).put("status", "APPROVED")
                .put("previous_status", null).put("payout", new BigDecimal("4.990000")).put("currency", "USD")
                .put("subs", Map.of("sub1", "a", "sub15", "z"));

        assertThat(Conversion.from(struct)).isEqualTo(new Conversion("conv-1", "click-1", "camp-1", "aff-1", "g1",
                "purchase", null, "APPROVED", null, new BigDecimal("4.990000"), "USD", Map.of("sub1", "a", "sub15", "z")));
    }

    @Test
    void readsASchemalessMapToo() {
        Map<String, Object> map = new HashMap<>();
        map.put("conversion_id", "conv-1");
        map.put("affiliate_id", "aff-1");
        map.put("status", "rejected");
        map.put("previous_status", "approved");
        map.put("payout", 4.5);

        Conversion conversion = Conversion.from(map);

        assertThat(conversion.status()).isEqualTo("REJECTED");
        assertThat(conversion.previousStatus()).isEqualTo("APPROVED");
        assertThat(conversion.isStatusUpdate()).isTrue();
        assertThat(conversion.payout()).isEqualByComparingTo("4.5");
    }

    @Test
    void aTestConversionSaysSoAndOneWithoutTheFieldIsReal() {
        Schema withTest = SchemaBuilder.struct().name("io.attribution.avro.AttributedConversion")
                .field("conversion_id", Schema.STRING_SCHEMA).field("affiliate_id", Schema.STRING_SCHEMA)
                .field("status", Schema.STRING_SCHEMA).field("test", Schema.BOOLEAN_SCHEMA).build();
        Struct test = new Struct(withTest).put("conversion_id", "conv-1").put("affiliate_id", "aff-1")
                .put("status", "APPROVED").put("test", true);

        assertThat(Conversion.from(test).test()).isTrue();
        assertThat(Conversion.from(Map.of("conversion_id", "c", "affiliate_id", "a", "status", "APPROVED", "test", true))
                .test()).isTrue();
        assertThat(Conversion.from(Map.of("conversion_id", "c", "affiliate_id", "a", "status", "APPROVED")).test())
                .isFalse();
    }

    @Test
    void somethingElseIsAnErrorSayingWhat() {
        assertThatThrownBy(() -> Conversion.from(null)).isInstanceOf(DataException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> Conversion.from("text")).isInstanceOf(DataException.class)
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> Conversion.from(Map.of("conversion_id", "c", "status", "APPROVED")))
                .isInstanceOf(DataException.class).hasMessageContaining("affiliate_id");
    }
}
