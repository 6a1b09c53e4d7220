package io.attribution.query;

import io.attribution.http.JsonAnswers;
import io.attribution.query.access.AccessScope;
import io.attribution.query.access.CampaignOwners;
import io.attribution.query.access.Forbidden;
import io.attribution.query.access.QueryAccess;
import io.attribution.query.access.ScopedAnswers;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Serves one {@link QueryEndpoint} both ways: a client's question is routed across instances and
 * answered within its token's scope ({@link QueryAccess}); a local-scope request from another
 * instance's router (with the instances' peer token) is answered from this instance's stores only.
 */
final class QueryServlet extends HttpServlet {

    private final transient QueryEndpoint endpoint;
    private final transient Supplier<QueryRouter> router;
    private final transient QueryAccess access;
    private final transient Supplier<CampaignOwners> owners;

    /**
     * @param router empty ({@code null}) until Kafka Streams is built: the port has to exist first
     * @param owners whose the campaigns are, for scoped tokens; not current until the campaigns are read
     */
    QueryServlet(QueryEndpoint endpoint, Supplier<QueryRouter> router, QueryAccess access,
                 Supplier<CampaignOwners> owners) {
        this.endpoint = endpoint;
        this.router = router;
        this.access = access;
        this.owners = owners;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            boolean local = QueryProtocol.isLocal(request);
            AccessScope scope = AccessScope.all();
            if (local && !access.fromPeer(request)) {
                JsonAnswers.write(response, HttpServletResponse.SC_FORBIDDEN, JsonAnswers.error(null, "FORBIDDEN", null,
                        QueryProtocol.SCOPE_HEADER + ": " + QueryProtocol.LOCAL + " is for the instances' own questions"));
                return;
            }
            if (!local) {
                Optional<AccessScope> presented = access.scopeOf(request);
                if (presented.isEmpty()) {
                    JsonAnswers.unauthorized(response, JsonAnswers.error(null,
                            "UNAUTHORIZED", null, "a query API token is needed: Authorization: Bearer <token>"));
                    return;
                }
                scope = presented.get();
            }
            QueryRouter router = this.router.get();
            if (router == null) {
                JsonAnswers.unavailable(response, RoutedAnswerResponse.RETRY_AFTER_SECONDS,
                        JsonAnswers.error(null, "NOT_READY", null, "Kafka Streams is not started yet"));
                return;
            }
            CampaignOwners owners = this.owners.get();
            if (!scope.isAll()) {
                if (!owners.current()) {
                    JsonAnswers.unavailable(response, RoutedAnswerResponse.RETRY_AFTER_SECONDS, JsonAnswers.error(null,
                            "CAMPAIGNS_NOT_CURRENT", null, "the campaigns are not read up to date yet, so the token's"
                                    + " scope (" + scope + ") cannot be checked; retry shortly"));
                    return;
                }
                ScopedAnswers.admit(request.getServletPath(), request.getPathInfo(), scope, owners);
            }
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
            AccessScope asked = scope;
            RoutedAnswerResponse.write(request, response, router, question, endpoint,
                    body -> ScopedAnswers.restrict(body, asked, owners));
        } catch (BadParameter e) {
            JsonAnswers.write(response, HttpServletResponse.SC_BAD_REQUEST,
                    JsonAnswers.error(null, "BAD_PARAMETER", e.field(), e.getMessage()));
        } catch (Forbidden e) {
            JsonAnswers.write(response, HttpServletResponse.SC_FORBIDDEN,
                    JsonAnswers.error(null, "FORBIDDEN", null, e.getMessage()));
        }
    }

    /** Raw, as received: forwarded unchanged, so the other instance parses exactly what this one did. */
    private static String pathAndQuery(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }
}
