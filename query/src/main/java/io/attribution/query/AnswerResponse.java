package io.attribution.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Turns an {@link Answer} into HTTP. Incomplete: 503 with {@code Retry-After} naming what is
 * missing and who failed, because a total over some partitions is a wrong number, not a partial
 * one. Complete: 200 with the merged result and where it came from.
 */
final class AnswerResponse {

    private AnswerResponse() {
    }

    static void write(HttpServletResponse response, Answer answer, QueryEndpoint endpoint) throws IOException {
        if (!answer.complete()) {
            ObjectNode body;
            if (answer.unresolved().isPresent()) {
                body = JsonResponses.error("METADATA_UNAVAILABLE", answer.unresolved().get());
            } else {
                body = JsonResponses.error("PARTITIONS_UNAVAILABLE", answer.missingPartitions().size()
                        + " partition(s) could not be answered, which would make any result wrong; retry shortly");
            }
            answer.missingPartitions().forEach(body.putArray("missing_partitions")::add);
            ObjectNode reasons = body.putObject("unavailable");
            answer.unavailable().forEach((partition, reason) -> reasons.put(partition.toString(), reason));
            failedHosts(body, answer);
            JsonResponses.unavailable(response, body);
            return;
        }
        ObjectNode body;
        try {
            body = endpoint.merge(answer.byPartition());
        } catch (NotFound e) {
            JsonResponses.write(response, HttpServletResponse.SC_NOT_FOUND,
                    JsonResponses.error("NOT_FOUND", e.getMessage()));
            return;
        }
        body.put("stale", answer.stale());
        if (answer.stale()) {
            answer.stalePartitions().forEach(body.putArray("stale_partitions")::add);
        }
        failedHosts(body, answer);
        ObjectNode answeredBy = body.putObject("answered_by");
        answer.answeredBy().forEach((partition, host) -> answeredBy.put(partition.toString(), host));
        JsonResponses.write(response, HttpServletResponse.SC_OK, body);
    }

    private static void failedHosts(ObjectNode body, Answer answer) {
        ObjectNode failed = body.putObject("failed_hosts");
        answer.failedHosts().forEach(failed::put);
    }
}
