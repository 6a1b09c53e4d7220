package io.attribution.query;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * One body, read once when the server starts (a resource that is missing stops the start, not a
 * client later), answered as it is to every GET with the headers it was given.
 */
final class FixedBodyServlet extends HttpServlet {

    private final transient byte[] body;
    private final String contentType;
    private final transient Map<String, String> headers;

    /** @param headers e.g. {@code Cache-Control}, set on every answer */
    FixedBodyServlet(byte[] body, String contentType, Map<String, String> headers) {
        this.body = body.clone();
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        headers.forEach(response::setHeader);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
