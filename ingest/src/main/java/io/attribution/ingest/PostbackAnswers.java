package io.attribution.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.http.JsonAnswers;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What the edge tells an advertiser: one shape for every outcome, so clients parse one thing. */
final class PostbackAnswers {

    private PostbackAnswers() {
    }

    static void accepted(HttpServletResponse response, String requestId) throws IOException {
        ObjectNode body = JsonAnswers.JSON.createObjectNode();
        body.put("status", "accepted");
        body.put("request_id", requestId);
        JsonAnswers.write(response, HttpServletResponse.SC_OK, body);
    }

    /** Nothing was stored: {@code error} is a stable code, {@code field} the parameter at fault, or null. */
    static void rejected(HttpServletResponse response, int status, String error, String field, String message)
            throws IOException {
        JsonAnswers.write(response, status, JsonAnswers.error("rejected", error, field, message));
    }

    /** Stored for the record but refused: {@code error} is the rejection reason. */
    static void refused(HttpServletResponse response, int status, String error, String message, String requestId)
            throws IOException {
        JsonAnswers.write(response, status,
                JsonAnswers.error("rejected", error, null, message).put("request_id", requestId));
    }

    /** Nothing was stored: the advertiser must send the postback again after {@code retryAfterSeconds}. */
    static void unavailable(HttpServletResponse response, long retryAfterSeconds, String message) throws IOException {
        JsonAnswers.unavailable(response, retryAfterSeconds,
                JsonAnswers.error("unavailable", "NOT_STORED", null, message));
    }

    /** The body of an error Jetty answers itself, before or around the servlet. */
    static ObjectNode jettyError(int status, String message) {
        // Jetty's size limit answers 413 before the servlet runs: same code as the servlet's own 413.
        String error = status == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE ? "PAYLOAD_TOO_LARGE" : "HTTP_" + status;
        return JsonAnswers.error("rejected", error, null, message);
    }
}
