package io.attribution.ingest;

import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Errors Jetty raises itself (413 from the size limit, 404, 405...) in the same JSON shape as the
 * servlet's answers, whatever the client's Accept header says: postback clients are programs.
 */
final class JsonErrorHandler extends ErrorHandler {

    /**
     * The same JSON for errors raised before a request reaches the servlet context, such as the
     * size limit refusing a declared Content-Length. The server needs a core error handler there:
     * the ee10 one requires a servlet request and writes an empty body without one.
     */
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
                writer.write(JsonAnswer.error(code, message));
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
        writer.write(JsonAnswer.error(code, message));
    }
}
