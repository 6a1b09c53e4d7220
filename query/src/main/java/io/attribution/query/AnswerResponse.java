package io.attribution.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;

/**
 * Turns an {@link Answer} into HTTP. Incomplete: 503 with {@code Retry-After} naming what is
 * missing and who failed, because a total over some partitions is a wrong number, not a partial
 * one. Complete: 200 with the merged result and where it came from.
 */
final class AnswerResponse {

    private AnswerResponse() {
    }

    /** Asks {@code question}, and the endpoint's follow-up question when the answer finds nothing. */
    static void write(HttpServletRequest request, HttpServletResponse response, QueryRouter router, Question question,
                      QueryEndpoint endpoint) throws IOException, BadParameter {
        Answer answer = router.ask(question);
        if (!answer.complete()) {
            unavailable(response, answer);
            return;
        }
        ObjectNode body;
        try {
            body = endpoint.merge(request, answer.byPartition());
        } catch (NotFound e) {
            Optional<Question> followUp = endpoint.whenNotFound(request);
            if (followUp.isEmpty()) {
                notFound(response, e);
                return;
            }
            answer = router.ask(followUp.get());
            if (!answer.complete()) {
                unavailable(response, answer);
                return;
            }
            try {
                body = endpoint.merge(request, answer.byPartition());
            } catch (NotFound again) {
                notFound(response, again);
                return;
            }
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

    private static void notFound(HttpServletResponse response, NotFound e) throws IOException {
        JsonResponses.write(response, HttpServletResponse.SC_NOT_FOUND, JsonResponses.error("NOT_FOUND", e.getMessage()));
    }

    private static void unavailable(HttpServletResponse response, Answer answer) throws IOException {
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
    }

    private static void failedHosts(ObjectNode body, Answer answer) {
        ObjectNode failed = body.putObject("failed_hosts");
        answer.failedHosts().forEach(failed::put);
    }
}
