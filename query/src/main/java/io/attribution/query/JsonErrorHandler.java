package io.attribution.query;

import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Errors Jetty raises itself (404 for an unknown path, 400 for a malformed URI...) in the API's JSON
 * shape whatever the Accept header says: the query API's clients are programs.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** The same JSON for errors raised before a request reaches the servlet context. */
    static org.eclipse.jetty.server.handler.ErrorHandler outsideContext() {
        return new org.eclipse.jetty.server.handler.ErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                         String contentType, List<Charset> charsets, int code,
                                                         String message, Throwable cause) throws IOException {
                return super.generateAcceptableResponse(request, response, callback, "application/json", charsets,
                        code, message, cause);
            }

            @Override
            protected void writeErrorJson(Request request, PrintWriter writer, int code, String message,
                                          Throwable cause) {
                writer.write(body(code, message));
            }
        };
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) throws IOException {
        return super.generateAcceptableResponse(request, response, callback, "application/json", charsets, code,
                message, cause);
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        writer.write(body(code, message));
    }

    static String body(int code, String message) {
        String error = switch (code) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            default -> "HTTP_" + code;
        };
        return JsonResponses.error(error, message).toString();
    }
}
