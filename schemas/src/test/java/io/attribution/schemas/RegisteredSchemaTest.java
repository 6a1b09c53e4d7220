package io.attribution.schemas;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attribution.avro.Campaign;
import io.attribution.avro.RawPostback;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What {@link RegisteredSchema} does when the registry forgets, against a registry that keeps its
 * contents in a map the test rewrites, as a restarted in-memory registry would: the edge case where
 * the old id now holds another client's schema cannot be timed against a real registry's restart.
 */
class RegisteredSchemaTest {

    private final Map<Long, String> contents = new ConcurrentHashMap<>();
    private final AtomicLong nextContentId = new AtomicLong(1);
    /** While not released, the registry takes every request and answers none. */
    private final CountDownLatch silence = new CountDownLatch(1);
    private volatile boolean silent;
    private HttpServer registry;
    private RegisteredSchema<RawPostback> schema;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/apis/registry/v2/groups/default/artifacts", this::register);
        registry.createContext("/apis/registry/v2/ids/contentIds/", this::content);
        registry.start();
        // Each call bounded at 2 s: a slow, shared CI machine must not look like a silent registry.
        schema = RegisteredSchema.start("http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v2",
                Topics.POSTBACKS_RAW, Duration.ofSeconds(2), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        schema.close();
        silence.countDown();
        registry.stop(0);
    }

    @Test
    void anIdTheRegistryNowHoldsAnotherSchemaUnderIsReplaced() {
        await().atMost(Duration.ofSeconds(10)).until(() -> schema.contentId().equals(OptionalLong.of(1)));

        restartEmptyThenRegister(SpecificData.get().getSchema(Campaign.class).toString());

        await().atMost(Duration.ofSeconds(10)).until(() -> schema.contentId().equals(OptionalLong.of(2)));
        assertThat(schema.frame(postback()).bytes())
                .startsWith(0, 0, 0, 0, 2);
    }

    @Test
    void aSchemaTheRegistryLostIsRegisteredAgain() {
        await().atMost(Duration.ofSeconds(10)).until(() -> schema.contentId().equals(OptionalLong.of(1)));

        restartEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> contents.containsKey(1L));
        assertThat(contents.get(1L)).isEqualTo(SpecificData.get().getSchema(RawPostback.class).toString());
        assertThat(schema.contentId()).hasValue(1);
    }

    @Test
    void aRegistryThatTakesTheCheckButDoesNotAnswerKeepsTheIdInUse() {
        await().atMost(Duration.ofSeconds(10)).until(() -> schema.contentId().equals(OptionalLong.of(1)));

        silent = true;

        await().atMost(Duration.ofSeconds(10)).until(() -> schema.health().state() == RegisteredSchema.State.UNANSWERED);
        assertThat(schema.contentId()).hasValue(1);
    }

    @Test
    void aRegistryThatCannotBeReachedRefusesRecordsUntilItConfirmsTheId() {
        await().atMost(Duration.ofSeconds(10)).until(() -> schema.contentId().equals(OptionalLong.of(1)));

        registry.stop(0);

        await().atMost(Duration.ofSeconds(10)).until(() -> schema.health().state() == RegisteredSchema.State.UNVERIFIED);
        assertThat(schema.contentId()).isEmpty();
        assertThatThrownBy(() -> schema.frame(postback()))
                .isInstanceOf(FramedAvroWriter.SchemaIdUnknownException.class);
    }

    /** What an in-memory registry looks like after a restart: nothing in it, ids handed out from 1 again. */
    private synchronized void restartEmpty() {
        contents.clear();
        nextContentId.set(1);
    }

    /** A restart where another client registers its schema before the checker looks again: it gets id 1. */
    private synchronized void restartEmptyThenRegister(String otherClientsSchema) {
        restartEmpty();
        store(otherClientsSchema);
    }

    private synchronized long store(String content) {
        long id = nextContentId.getAndIncrement();
        contents.put(id, content);
        return id;
    }

    private void register(HttpExchange exchange) throws IOException {
        awaitSilence();
        long id = store(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        answer(exchange, 200, "{\"groupId\":\"default\",\"contentId\":" + id + "}");
    }

    private void content(HttpExchange exchange) throws IOException {
        awaitSilence();
        String path = exchange.getRequestURI().getPath();
        String content;
        synchronized (this) {
            content = contents.get(Long.parseLong(path.substring(path.lastIndexOf('/') + 1)));
        }
        if (content == null) {
            answer(exchange, 404, "{\"error_code\":404}");
        } else {
            answer(exchange, 200, content);
        }
    }

    private void awaitSilence() throws IOException {
        if (silent) {
            try {
                silence.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static RawPostback postback() {
        return RawPostback.newBuilder().setRequestId("r-1").setReceivedAt(Instant.EPOCH).setClickId("c-1")
                .setMethod("GET").setRemoteAddr("127.0.0.1").build();
    }
}
