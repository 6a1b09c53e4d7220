package io.attribution.admin;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The tester's calls on ingest and the query API: only their two paths, values encoded, the read token sent. */
class TesterRelayTest {

    /** What the stand-in server was asked: raw path and query, and the Authorization header. */
    record Asked(String rawPath, String rawQuery, String authorization) {
    }

    private final List<Asked> asked = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            asked.add(new Asked(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"status\":\"accepted\",\"request_id\":\"r-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPostbackGoesToIngestsPostbackWithEveryNameAndValueEncoded() throws Exception {
        TesterRelay relay = new TesterRelay(new TesterTargets(base, base, Optional.empty()));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("click_id", "abc");
        params.put("sub1", "<script>&x=1 é");
        params.put("a&b", "c");

        TesterRelay.Answer answer = relay.firePostback(params);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("request_id").asText()).isEqualTo("r-1");
        assertThat(asked).singleElement().satisfies(request -> {
            assertThat(request.rawPath()).isEqualTo("/postback");
            assertThat(request.rawQuery()).isEqualTo("click_id=abc&sub1=%3Cscript%3E%26x%3D1%20%C3%A9&a%26b=c");
            assertThat(request.authorization()).isNull();
        });
    }

    @Test
    void aFateIsAskedOfThePostbackLogWithTheReadTokenAndTheIdsEncoded() throws Exception {
        TesterRelay relay = new TesterRelay(new TesterTargets(base, base, Optional.of("read-token")));

        relay.fate("r-1", "click/../x y");

        assertThat(asked).singleElement().satisfies(request -> {
            assertThat(request.rawPath()).isEqualTo("/postbacks/r-1");
            assertThat(request.rawQuery()).isEqualTo("click_id=click%2F..%2Fx%20y");
            assertThat(request.authorization()).isEqualTo("Bearer read-token");
        });
    }
}
