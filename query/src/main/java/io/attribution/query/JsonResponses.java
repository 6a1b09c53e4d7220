package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Writes the query API's JSON bodies: one shape for errors, and never cached, since state moves on. */
final class JsonResponses {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds a client should wait before asking again while partitions move between instances. */
    static final int RETRY_AFTER_SECONDS = 1;

    private JsonResponses() {
    }

    static ObjectNode error(String error, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", error);
        body.put("message", message == null ? "" : message);
        return body;
    }

    static void badParameter(HttpServletResponse response, BadParameter bad) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", "BAD_PARAMETER");
        body.put("field", bad.field());
        body.put("message", bad.getMessage());
        write(response, HttpServletResponse.SC_BAD_REQUEST, body);
    }

    static void unavailable(HttpServletResponse response, ObjectNode body) throws IOException {
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
    }

    static void write(HttpServletResponse response, int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), body);
    }

    /** The body of an error Jetty raises itself: 404 for an unknown path, 400 for a malformed URI... */
    static String jettyError(int code, String message) {
        String error = switch (code) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            default -> "HTTP_" + code;
        };
        return error(error, message == null ? "" : message).toString();
    }
}
