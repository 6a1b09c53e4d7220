package io.attribution.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.http.JsonAnswers;
import io.attribution.query.endpoints.NotFound;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.QueryRouter;
import io.attribution.query.routing.Question;
import io.attribution.query.routing.RoutedAnswer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;

/**
 * Turns a {@link RoutedAnswer} into HTTP. Incomplete: 503 with {@code Retry-After} naming what is
 * missing and who failed, because a total over some partitions is a wrong number, not a partial
 * one. A store of an application this instance does not run (its {@code topology.role}): 503
 * {@value #NOT_SERVED_BY_ROLE}, without {@code Retry-After}. Complete: 200 with the merged result
 * and where it came from.
 */
final class RoutedAnswerResponse {

    /** Seconds a client should wait before asking again while partitions move between instances. */
    static final int RETRY_AFTER_SECONDS = 1;
    /** The error of a question about a store that this instance's topology role does not run. */
    static final String NOT_SERVED_BY_ROLE = "NOT_SERVED_BY_ROLE";

    private RoutedAnswerResponse() {
    }

    /** What the asker may see of a complete, merged answer (its token's scope). */
    @FunctionalInterface
    interface Visible {
        /** @throws NotFound the asker may not see the one thing it asked about */
        ObjectNode of(ObjectNode merged) throws NotFound;
    }

    /**
     * Asks {@code question}, and the endpoint's follow-up question when the answer finds nothing;
     * answers what {@code visible} keeps of the result.
     */
    static void write(HttpServletRequest request, HttpServletResponse response, QueryRouter router, Question question,
                      QueryEndpoint endpoint, Visible visible) throws IOException, BadParameter {
        RoutedAnswer answer = router.ask(question);
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
        try {
            body = visible.of(body);
        } catch (NotFound hidden) {
            notFound(response, hidden);
            return;
        }
        body.put("stale", answer.stale());
        if (answer.stale()) {
            answer.stalePartitions().forEach(body.putArray("stale_partitions")::add);
        }
        failedHosts(body, answer);
        ObjectNode answeredBy = body.putObject("answered_by");
        answer.answeredBy().forEach((partition, host) -> answeredBy.put(partition.toString(), host));
        JsonAnswers.write(response, HttpServletResponse.SC_OK, body);
    }

    private static void notFound(HttpServletResponse response, NotFound e) throws IOException {
        JsonAnswers.write(response, HttpServletResponse.SC_NOT_FOUND, JsonAnswers.error(null, "NOT_FOUND", null, e.getMessage()));
    }

    private static void unavailable(HttpServletResponse response, RoutedAnswer answer) throws IOException {
        if (answer.notHeld().isPresent()) {
            // 503, not 404: the data may well exist, on the instances whose role runs its application;
            // and no Retry-After, since this instance will not hold it however long one waits.
            JsonAnswers.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    JsonAnswers.error(null, NOT_SERVED_BY_ROLE, null, answer.notHeld().get()));
            return;
        }
        ObjectNode body;
        if (answer.unresolved().isPresent()) {
            body = JsonAnswers.error(null, "METADATA_UNAVAILABLE", null, answer.unresolved().get());
        } else {
            body = JsonAnswers.error(null, "PARTITIONS_UNAVAILABLE", null, answer.missingPartitions().size()
                    + " partition(s) could not be answered, which would make any result wrong; retry shortly");
        }
        answer.missingPartitions().forEach(body.putArray("missing_partitions")::add);
        ObjectNode reasons = body.putObject("unavailable");
        answer.unavailable().forEach((partition, reason) -> reasons.put(partition.toString(), reason));
        failedHosts(body, answer);
        JsonAnswers.unavailable(response, RETRY_AFTER_SECONDS, body);
    }

    private static void failedHosts(ObjectNode body, RoutedAnswer answer) {
        ObjectNode failed = body.putObject("failed_hosts");
        answer.failedHosts().forEach(failed::put);
    }
}
