package io.attribution.connect.postbacks;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender's attempts against a local affiliate server: what is retried, how often, and what a failure says. */
class PostbackSenderTest {

    private static final RetryPolicy THREE_QUICK_ATTEMPTS = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50), 0.5);

    private static AffiliateServer affiliate;
    private final PostbackStats stats = new PostbackStats();

    @BeforeAll
    static void start() throws Exception {
        affiliate = new AffiliateServer();
    }

    @AfterAll
    static void stop() throws Exception {
        affiliate.close();
    }

    private PostbackSender.Outcome send(String url, Duration requestTimeout) throws Exception {
        Conversion conversion = PostbackTemplateTest.conversion();
        PostbackTemplate.Request request = PostbackTemplate.parse(url, PostbackTemplate.Method.GET).render(conversion);
        try (PostbackSender sender = new PostbackSender(Duration.ofSeconds(2), requestTimeout, THREE_QUICK_ATTEMPTS, stats)) {
            return sender.send("aff-1", conversion.conversionId(), request, () -> false)
                    .get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTwoHundredIsSentAtOnce() throws Exception {
        assertThat(send(affiliate.url("/ok/x?c={click_id}"), Duration.ofSeconds(5))).isEqualTo(new PostbackSender.Sent(1));
        assertThat(stats.retries.sum()).isZero();
    }

    @Test
    void serviceUnavailableAndTooManyRequestsAreRetried() throws Exception {
        assertThat(send(affiliate.url("/flaky?conv=sender-flaky"), Duration.ofSeconds(5))).isEqualTo(new PostbackSender.Sent(3));
        assertThat(send(affiliate.url("/busy?conv=sender-busy"), Duration.ofSeconds(5))).isEqualTo(new PostbackSender.Sent(2));
        assertThat(stats.retries.sum()).isEqualTo(3);
    }

    @Test
    void aClientErrorFailsAtOnceWithTheAnswerAndWithoutTheQuery() throws Exception {
        PostbackSender.Outcome outcome = send(affiliate.url("/missing?token=secret&c={click_id}"), Duration.ofSeconds(5));

        assertThat(outcome).isInstanceOf(PostbackSender.Failed.class);
        assertThat(((PostbackSender.Failed) outcome).reason().getMessage())
                .contains("affiliate aff-1", "GET " + affiliate.url("/missing"), "HTTP 404, not retried",
                        "response: {\"error\": \"no such offer\"}")
                .doesNotContain("secret");
        assertThat(stats.retries.sum()).isZero();
    }

    @Test
    void timeoutsAreRetriedThenFail() throws Exception {
        PostbackSender.Outcome outcome = send(affiliate.url("/slow?c={click_id}"), Duration.ofMillis(200));

        assertThat(((PostbackSender.Failed) outcome).reason().getMessage())
                .contains("HttpTimeoutException", "after 3 attempts");
        assertThat(stats.retries.sum()).isEqualTo(2);
    }

    @Test
    void refusedConnectionsAreRetriedThenFail() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        PostbackSender.Outcome outcome = send("http://127.0.0.1:" + closedPort + "/pb?c={click_id}", Duration.ofSeconds(2));

        assertThat(((PostbackSender.Failed) outcome).reason().getMessage())
                .contains("ConnectException", "after 3 attempts");
        assertThat(stats.retries.sum()).isEqualTo(2);
    }

    @Test
    void anAbandonedPostbackIsNotSent() throws Exception {
        Conversion conversion = PostbackTemplateTest.conversion();
        PostbackTemplate.Request request = PostbackTemplate.parse(affiliate.url("/ok/abandoned?conv={conversion_id}"),
                PostbackTemplate.Method.GET).render(conversion);
        try (PostbackSender sender = new PostbackSender(Duration.ofSeconds(2), Duration.ofSeconds(2), THREE_QUICK_ATTEMPTS, stats)) {
            assertThat(sender.send("aff-1", "c", request, () -> true).get(5, TimeUnit.SECONDS))
                    .isEqualTo(new PostbackSender.Abandoned());
        }
        assertThat(affiliate.received("/ok/abandoned")).isEmpty();
    }
}
