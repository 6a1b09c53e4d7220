package io.attribution.connect.postbacks;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1_000), 0.5);

    @Test
    void serverErrorsAndTooManyRequestsAreRetriedOtherClientErrorsAreNot() {
        assertThat(RetryPolicy.isRetriable(500)).isTrue();
        assertThat(RetryPolicy.isRetriable(502)).isTrue();
        assertThat(RetryPolicy.isRetriable(503)).isTrue();
        assertThat(RetryPolicy.isRetriable(599)).isTrue();
        assertThat(RetryPolicy.isRetriable(429)).isTrue();
        assertThat(RetryPolicy.isRetriable(400)).isFalse();
        assertThat(RetryPolicy.isRetriable(401)).isFalse();
        assertThat(RetryPolicy.isRetriable(404)).isFalse();
        assertThat(RetryPolicy.isRetriable(410)).isFalse();
        assertThat(RetryPolicy.isRetriable(302)).isFalse();
    }

    @Test
    void timeoutsAndIoErrorsAreRetriedBugsAreNot() {
        assertThat(RetryPolicy.isRetriable(new HttpTimeoutException("request timed out"))).isTrue();
        assertThat(RetryPolicy.isRetriable(new HttpConnectTimeoutException("connect timed out"))).isTrue();
        assertThat(RetryPolicy.isRetriable(new CompletionException(new ConnectException("refused")))).isTrue();
        assertThat(RetryPolicy.isRetriable(new IOException("connection reset"))).isTrue();
        assertThat(RetryPolicy.isRetriable(new IllegalArgumentException("bad header"))).isFalse();
        assertThat(RetryPolicy.isRetriable(new CompletionException(new IllegalStateException()))).isFalse();
    }

    @Test
    void attemptsCountTheFirstOne() {
        assertThat(policy.canRetry(1)).isTrue();
        assertThat(policy.canRetry(4)).isTrue();
        assertThat(policy.canRetry(5)).isFalse();
        RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(100), 0);
        assertThat(once.canRetry(1)).isFalse();
    }

    @Test
    void backoffDoublesUpToTheMaximumWithoutJitter() {
        assertThat(millis(1, 0)).isEqualTo(100);
        assertThat(millis(2, 0)).isEqualTo(200);
        assertThat(millis(3, 0)).isEqualTo(400);
        assertThat(millis(4, 0)).isEqualTo(800);
        assertThat(millis(5, 0)).isEqualTo(1_000);
        assertThat(millis(60, 0)).isEqualTo(1_000);
    }

    @Test
    void jitterShortensEachWaitByUpToItsShare() {
        assertThat(millis(1, 0.999_999)).isBetween(50L, 51L);
        assertThat(millis(3, 0.5)).isEqualTo(300);
        assertThat(millis(10, 0.999_999)).isBetween(500L, 501L);
        RetryPolicy full = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(1_000), 1.0);
        assertThat(full.backoff(2, 0.75, OptionalLong.empty())).isEqualTo(Duration.ofMillis(50));
        for (int i = 0; i < 1_000; i++) {
            double random = Math.random();
            assertThat(millis(2, random)).isBetween(100L, 200L);
        }
    }

    @Test
    void retryAfterIsHonouredUpToTheMaximum() {
        assertThat(policy.backoff(1, 0, OptionalLong.of(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(policy.backoff(1, 0, OptionalLong.of(30_000))).isEqualTo(Duration.ofMillis(1_000));
        assertThat(policy.backoff(4, 0, OptionalLong.of(10))).isEqualTo(Duration.ofMillis(800));
        assertThat(RetryPolicy.retryAfterMillis("2")).hasValue(2_000);
        assertThat(RetryPolicy.retryAfterMillis(" 0 ")).hasValue(0);
        assertThat(RetryPolicy.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT")).isEmpty();
        assertThat(RetryPolicy.retryAfterMillis("-1")).isEmpty();
        assertThat(RetryPolicy.retryAfterMillis(null)).isEmpty();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private long millis(int attemptsMade, double random) {
        return policy.backoff(attemptsMade, random, OptionalLong.empty()).toMillis();
    }
}
