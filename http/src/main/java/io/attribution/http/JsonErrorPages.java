package io.attribution.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Errors Jetty raises itself (413 from a size limit, 404 for an unknown path, 400 for a malformed
 * URI...) as JSON in a server's own error shape, whatever the client's Accept header says: the
 * clients of our servers are programs. One handler for the servlet context and one for the server:
 * the ee10 handler needs a servlet request, and writes an empty body for an error raised before
 * the request reaches the context.
 */
public final class JsonErrorPages {

    private JsonErrorPages() {
    }

    /** @param body the server's error body for an HTTP status and Jetty's message */
    public static org.eclipse.jetty.ee10.servlet.ErrorHandler forContext(BiFunction<Integer, String, ObjectNode> body) {
        return new org.eclipse.jetty.ee10.servlet.ErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                         String contentType, List<Charset> charsets, int code,
                                                         String message, Throwable cause) throws IOException {
                return super.generateAcceptableResponse(request, response, callback, JsonAnswers.CONTENT_TYPE, charsets,
                        code, message, cause);
            }

            @Override
            protected void writeErrorJson(Request request, PrintWriter writer, int code, String message,
                                          Throwable cause) {
                writer.write(JsonAnswers.text(body.apply(code, message)));
            }
        };
    }

    /**
     * @param body the server's error body for an HTTP status and Jetty's message. A request line
     *             without an HTTP version (HTTP/0.9, or a line cut short by a stray CR LF), which
     *             Jetty's parser answers 505, is answered 400: the client sent garbage, the server
     *             is not at fault.
     */
    public static ErrorHandler forServer(BiFunction<Integer, String, ObjectNode> body) {
        return new ErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                         String contentType, List<Charset> charsets, int code,
                                                         String message, Throwable cause) throws IOException {
                int status = code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 ? HttpStatus.BAD_REQUEST_400 : code;
                response.setStatus(status);
                return super.generateAcceptableResponse(request, response, callback, JsonAnswers.CONTENT_TYPE, charsets,
                        status, message, cause);
            }

            @Override
            protected void writeErrorJson(Request request, PrintWriter writer, int code, String message,
                                          Throwable cause) {
                writer.write(JsonAnswers.text(body.apply(code, message)));
            }
        };
    }
}
