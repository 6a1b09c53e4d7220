package io.attribution.query.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceReplyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void survivesTheWire() throws Exception {
        JsonNode total = JsonNodeFactory.instance.objectNode().put("total", 7);
        InstanceReply sent = new InstanceReply(Map.of(0, total, 3, total), Map.of(5, "NOT_ACTIVE"));

        String wire = JSON.writeValueAsString(sent.toJson("10.0.0.1:8090"));
        InstanceReply received = InstanceReply.fromJson(JSON.readTree(wire));

        assertThat(wire).isEqualTo("{\"host\":\"10.0.0.1:8090\",\"partitions\":{\"0\":{\"total\":7},\"3\":{\"total\":7}},"
                + "\"unavailable\":{\"5\":\"NOT_ACTIVE\"}}");
        assertThat(received.answers()).isEqualTo(sent.answers());
        assertThat(received.unavailable()).isEqualTo(sent.unavailable());
    }

    @Test
    void refusesAnythingElse() throws Exception {
        for (String body : new String[] {"{}", "[]", "{\"partitions\":{},\"unavailable\":[]}",
                "{\"partitions\":{\"x\":1},\"unavailable\":{}}", "{\"partitions\":{\"-1\":1},\"unavailable\":{}}"}) {
            JsonNode json = JSON.readTree(body);
            assertThatThrownBy(() -> InstanceReply.fromJson(json)).as(body)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
