package io.attribution.connect.postbacks;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the affiliates: a Jetty server on 127.0.0.1 and an ephemeral port that records every postback request and
 * answers by its path: {@code /ok/...} 200; {@code /flaky/...} 503 twice for each {@code conv} parameter, then 200;
 * {@code /busy/...} 429 once for each {@code conv}, then 200; {@code /slow/...} 200 after a second;
 * {@code /missing/...} 404; {@code /down/...} always 500.
 */
final class AffiliateServer implements AutoCloseable {

    /** One request as the affiliate saw it; {@code params} are the decoded query or form parameters. */
    record Received(String method, String path, String rawQuery, String contentType, String body,
                    Map<String, String> params, int answered) {
    }

    private final Server server = new Server();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();

    AffiliateServer() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                AffiliateServer.this.handle(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path;
    }

    private void handle(Request request, Response response, Callback callback) throws Exception {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        String path = request.getHttpURI().getPath();
        String rawQuery = request.getHttpURI().getQuery();
        String contentType = request.getHeaders().get("Content-Type");
        Map<String, String> params = decode("POST".equals(request.getMethod()) ? body : rawQuery);
        int status;
        String answer = "";
        if (path.startsWith("/flaky")) {
            int count = flakyCounts.computeIfAbsent(params.getOrDefault("conv", ""), k -> new AtomicInteger())
                    .incrementAndGet();
            status = count <= 2 ? 503 : 200;
        } else if (path.startsWith("/busy")) {
            int count = flakyCounts.computeIfAbsent("busy " + params.getOrDefault("conv", ""), k -> new AtomicInteger())
                    .incrementAndGet();
            status = count == 1 ? 429 : 200;
            response.getHeaders().put("Retry-After", "0");
        } else if (path.startsWith("/slow")) {
            Thread.sleep(1_000);
            status = 200;
        } else if (path.startsWith("/missing")) {
            status = 404;
            answer = "{\"error\": \"no such offer\"}";
        } else if (path.startsWith("/down")) {
            status = 500;
            answer = "database\n down";
        } else {
            status = 200;
        }
        received.add(new Received(request.getMethod(), path, rawQuery, contentType, body, params, status));
        response.setStatus(status);
        Content.Sink.write(response, true, answer, callback);
    }

    private static Map<String, String> decode(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Requests whose path starts with {@code pathPrefix}, in the order they arrived. */
    List<Received> received(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    List<Received> receivedFor(String pathPrefix, String param, String value) {
        return received(pathPrefix).stream().filter(r -> value.equals(r.params().get(param))).toList();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
