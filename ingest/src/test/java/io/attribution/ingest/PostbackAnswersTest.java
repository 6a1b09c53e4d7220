package io.attribution.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.http.JsonAnswers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PostbackAnswersTest {

    @Test
    void theAcceptedAnswerIsTheTextJacksonWrites() throws Exception {
        String requestId = RequestIds.next();
        ObjectNode rendered = JsonAnswers.JSON.createObjectNode().put("status", "accepted").put("request_id", requestId);

        assertThat(new String(PostbackAnswers.acceptedBody(requestId), StandardCharsets.UTF_8))
                .isEqualTo(JsonAnswers.JSON.writeValueAsString(rendered));
    }
}
