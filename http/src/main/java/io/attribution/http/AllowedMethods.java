package io.attribution.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Answers 405, with {@code Allow} and a JSON body, to every method a server does not serve, before
 * any servlet sees it. Without it, {@code HttpServlet} echoes a TRACE request, headers and all
 * (cross-site tracing: a token or cookie read back by a script), and answers 501 to a method it
 * does not know, which tells a client the server is broken rather than that the method is wrong.
 */
public final class AllowedMethods extends Handler.Wrapper {

    private final Set<String> allowed;
    private final String allowHeader;
    private final byte[] body;

    /** @param allowed the methods passed on, spelt as HTTP spells them (methods are case-sensitive) */
    public AllowedMethods(Handler handler, String... allowed) {
        super(handler);
        this.allowed = Set.of(allowed);
        this.allowHeader = String.join(", ", allowed);
        this.body = JsonAnswers.text(JsonAnswers.error("rejected", "METHOD_NOT_ALLOWED", null,
                "allowed methods: " + allowHeader)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (allowed.contains(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
        response.getHeaders().put(HttpHeader.ALLOW, allowHeader);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonAnswers.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
