package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.routing.Question;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;
import java.util.SortedMap;

/**
 * One query API endpoint: how a request becomes a {@link Question}, and how the per-partition
 * answers become one result. Routing, the local-scope protocol, errors and status codes are the
 * query server's ({@code io.attribution.query.QueryServer}).
 */
public interface QueryEndpoint {

    /**
     * Reads the request's path and parameters. Called on the instance a client asked and again on
     * each instance it forwards to (with the same path and query), so it must not depend on
     * anything but the request. The parameter {@value QueryProtocol#PARTITIONS} is reserved.
     *
     * @throws BadParameter answered 400 naming the field
     */
    Question question(HttpServletRequest request) throws BadParameter;

    /**
     * Merges the answers of all target partitions, each exactly once, into the response body.
     * Only called with a complete answer. The router adds {@code stale}, {@code failed_hosts}
     * and {@code answered_by} to the object returned.
     *
     * @throws NotFound answered 404
     */
    ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition)
            throws NotFound, BadParameter;

    /**
     * A second question, asked when {@link #merge} found nothing: e.g. a postback the log does not
     * know may still be waiting for its click. It must carry its own {@link Question#forwardedAs}
     * path, one that makes {@link #question} ask it on the other instances.
     */
    default Optional<Question> whenNotFound(HttpServletRequest request) throws BadParameter {
        return Optional.empty();
    }
}
