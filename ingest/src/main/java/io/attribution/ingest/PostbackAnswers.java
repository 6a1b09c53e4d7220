package io.attribution.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.http.JsonAnswers;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** What the edge tells an advertiser: one shape for every outcome, so clients parse one thing. */
final class PostbackAnswers {

    private static final byte[] ACCEPTED_HEAD = "{\"status\":\"accepted\",\"request_id\":\""
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPTED_TAIL = "\"}".getBytes(StandardCharsets.US_ASCII);

    private PostbackAnswers() {
    }

    /**
     * The answer to almost every request, so written without Jackson: the text Jackson wrote, from
     * two constant parts around the request_id (a UUID: nothing in it to escape), in one write of a
     * known length.
     */
    static void accepted(HttpServletResponse response, String requestId) throws IOException {
        JsonAnswers.writeRendered(response, HttpServletResponse.SC_OK, acceptedBody(requestId));
    }

    /** @param requestId from {@link RequestIds}: only characters JSON takes as they are */
    static byte[] acceptedBody(String requestId) {
        byte[] id = requestId.getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[ACCEPTED_HEAD.length + id.length + ACCEPTED_TAIL.length];
        System.arraycopy(ACCEPTED_HEAD, 0, body, 0, ACCEPTED_HEAD.length);
        System.arraycopy(id, 0, body, ACCEPTED_HEAD.length, id.length);
        System.arraycopy(ACCEPTED_TAIL, 0, body, ACCEPTED_HEAD.length + id.length, ACCEPTED_TAIL.length);
        return body;
    }

    /** Nothing was stored: {@code error} is a stable code, {@code field} the parameter at fault, or null. */
    static void rejected(HttpServletResponse response, int status, String error, String field, String message)
            throws IOException {
        JsonAnswers.write(response, status, JsonAnswers.error("rejected", error, field, message));
    }

    /**
     * Stored for the record but refused: a protection of the campaign (401, 403), or a request that
     * cannot be read as a postback (400, 413, 415); the postback log has it under {@code requestId}.
     */
    static void refused(HttpServletResponse response, int status, String error, String field, String message,
                        String requestId) throws IOException {
        JsonAnswers.write(response, status,
                JsonAnswers.error("rejected", error, field, message).put("request_id", requestId));
    }

    /** Nothing was stored: the advertiser must send the postback again after {@code retryAfterSeconds}. */
    static void unavailable(HttpServletResponse response, long retryAfterSeconds, String message) throws IOException {
        JsonAnswers.unavailable(response, retryAfterSeconds,
                JsonAnswers.error("unavailable", "NOT_STORED", null, message));
    }

    /**
     * The body of an error Jetty answers itself, before or around the servlet (414 and 431 from its
     * HTTP parser, 429 and 503 from the rate and concurrency limits): never recorded, no request_id.
     */
    static ObjectNode jettyError(int status, String message) {
        return JsonAnswers.error("rejected", "HTTP_" + status, null, message);
    }
}
