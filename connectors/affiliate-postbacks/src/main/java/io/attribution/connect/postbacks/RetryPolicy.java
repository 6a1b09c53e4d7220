package io.attribution.connect.postbacks;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;

/**
 * When a failed postback is tried again, and after how long: exponential backoff from {@code baseBackoff}, doubled
 * per retry up to {@code maxBackoff}, each wait shortened by a random part of up to {@code jitter} of itself.
 *
 * @param maxAttempts attempts in all, the first one included
 */
record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, double jitter) {

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within [0, 1]");
        }
    }

    /** 5xx and 429 are the affiliate's trouble or a request to slow down: worth another try. Other 4xx are not. */
    static boolean isRetriable(int status) {
        return status == 429 || status >= 500 && status <= 599;
    }

    /** Timeouts and I/O errors (refused or reset connections, TLS failures...) are retried; anything else is a bug. */
    static boolean isRetriable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof HttpTimeoutException || cause instanceof IOException;
    }

    /** Whether another attempt follows {@code attemptsMade} failed ones. */
    boolean canRetry(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /**
     * The wait before the next attempt.
     *
     * @param attemptsMade failed attempts so far (1 before the first retry)
     * @param random       uniform in [0, 1): how much of the jitter applies
     * @param retryAfter   the wait the affiliate asked for (a 429's or 503's Retry-After), if any; honoured up to
     *                     {@code maxBackoff}
     */
    Duration backoff(int attemptsMade, double random, OptionalLong retryAfterMillis) {
        long max = maxBackoff.toMillis();
        double exponential = baseBackoff.toMillis() * Math.pow(2, Math.max(0, attemptsMade - 1));
        double capped = Math.min(exponential, max);
        long wait = (long) (capped * (1 - jitter * random));
        if (retryAfterMillis.isPresent()) {
            wait = Math.max(wait, Math.min(retryAfterMillis.getAsLong(), max));
        }
        return Duration.ofMillis(wait);
    }

    /** Parses a Retry-After header given in seconds (the HTTP-date form is ignored). */
    static OptionalLong retryAfterMillis(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? OptionalLong.empty() : OptionalLong.of(Math.multiplyExact(seconds, 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
