package io.attribution.query;

import io.attribution.http.JsonAnswers;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.protocol.InstanceReply;
import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.routing.QueryRouter;
import io.attribution.query.routing.Question;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Serves one {@link QueryEndpoint} both ways: a client's question is routed across instances; a
 * local-scope request from another instance's router is answered from this instance's stores only.
 */
final class QueryServlet extends HttpServlet {

    private final transient QueryEndpoint endpoint;
    private final transient Supplier<QueryRouter> router;

    /** @param router empty ({@code null}) until Kafka Streams is built: the port has to exist first */
    QueryServlet(QueryEndpoint endpoint, Supplier<QueryRouter> router) {
        this.endpoint = endpoint;
        this.router = router;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        QueryRouter router = this.router.get();
        if (router == null) {
            JsonAnswers.unavailable(response, RoutedAnswerResponse.RETRY_AFTER_SECONDS,
                    JsonAnswers.error(null, "NOT_READY", null, "Kafka Streams is not started yet"));
            return;
        }
        try {
            boolean local = QueryProtocol.isLocal(request);
            Question question = endpoint.question(request);
            if (question.pathAndQuery().isEmpty()) {
                question = question.forwardedAs(pathAndQuery(request));
            }
            if (local) {
                Set<Integer> partitions = QueryProtocol.partitions(request);
                boolean activeOnly = QueryProtocol.activeOnly(request);
                InstanceReply answers = router.answerLocally(question, partitions, activeOnly);
                JsonAnswers.write(response, HttpServletResponse.SC_OK,
                        answers.toJson(QueryProtocol.name(router.self())));
                return;
            }
            if (request.getParameter(QueryProtocol.PARTITIONS) != null) {
                throw new BadParameter(QueryProtocol.PARTITIONS,
                        "reserved for " + QueryProtocol.SCOPE_HEADER + ": " + QueryProtocol.LOCAL + " requests");
            }
            RoutedAnswerResponse.write(request, response, router, question, endpoint);
        } catch (BadParameter e) {
            JsonAnswers.write(response, HttpServletResponse.SC_BAD_REQUEST,
                    JsonAnswers.error(null, "BAD_PARAMETER", e.field(), e.getMessage()));
        }
    }

    /** Raw, as received: forwarded unchanged, so the other instance parses exactly what this one did. */
    private static String pathAndQuery(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }
}
