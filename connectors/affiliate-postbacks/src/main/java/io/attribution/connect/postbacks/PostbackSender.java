package io.attribution.connect.postbacks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Sends postbacks with the JDK's HTTP client, without blocking: each attempt is asynchronous and a retry is
 * scheduled after its backoff, so a slow or failing affiliate holds no thread.
 */
final class PostbackSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostbackSender.class);
    private static final int KEPT_RESPONSE_BYTES = 300;
    private static final String USER_AGENT = "affiliate-postbacks/" + Version.get();

    /** How one postback ended. */
    sealed interface Outcome permits Sent, Failed, Abandoned {
    }

    record Sent(int attempts) implements Outcome {
    }

    record Failed(PostbackFailedException reason) implements Outcome {
    }

    /** Given up because the record's partition was revoked or the task stopped: Kafka delivers it again. */
    record Abandoned() implements Outcome {
    }

    private final HttpClient client;
    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService retryScheduler;
    private final RetryPolicy retryPolicy;
    private final Duration requestTimeout;
    private final PostbackStats stats;

    PostbackSender(Duration connectTimeout, Duration requestTimeout, RetryPolicy retryPolicy, PostbackStats stats) {
        this.retryPolicy = retryPolicy;
        this.requestTimeout = requestTimeout;
        this.stats = stats;
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("affiliate-postbacks-http"));
        this.retryScheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("affiliate-postbacks-retry"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(httpExecutor)
                .build();
    }

    /**
     * Sends one postback, retrying as the policy says. The future never fails: it completes with the outcome.
     *
     * @param abandoned checked before each attempt: true once the record no longer belongs to this task
     */
    CompletableFuture<Outcome> send(String affiliateId, String conversionId, PostbackTemplate.Request request,
                                    BooleanSupplier abandoned) {
        Delivery delivery = new Delivery(affiliateId, conversionId, request, abandoned);
        delivery.attempt();
        return delivery.result;
    }

    private final class Delivery {

        final String affiliateId;
        final String conversionId;
        final PostbackTemplate.Request request;
        final BooleanSupplier abandoned;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        int attempts;

        Delivery(String affiliateId, String conversionId, PostbackTemplate.Request request, BooleanSupplier abandoned) {
            this.affiliateId = affiliateId;
            this.conversionId = conversionId;
            this.request = request;
            this.abandoned = abandoned;
        }

        void attempt() {
            if (abandoned.getAsBoolean()) {
                result.complete(new Abandoned());
                return;
            }
            attempts++;
            try {
                client.sendAsync(httpRequest(), PostbackSender::bodyHandler).whenComplete(this::answered);
            } catch (RuntimeException e) {
                // The JDK refuses the request itself (a URL it cannot send): no retry helps.
                result.complete(new Failed(new PostbackFailedException(prefix() + "the request cannot be sent ("
                        + e + ")", e)));
            }
        }

        private HttpRequest httpRequest() {
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                    .timeout(requestTimeout)
                    .header("User-Agent", USER_AGENT);
            if (request.method() == PostbackTemplate.Method.POST) {
                builder.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(request.formBody(), StandardCharsets.UTF_8));
            } else {
                builder.GET();
            }
            return builder.build();
        }

        private void answered(HttpResponse<String> response, Throwable error) {
            try {
                if (error == null && response.statusCode() / 100 == 2) {
                    result.complete(new Sent(attempts));
                    return;
                }
                boolean retriable = error == null ? RetryPolicy.isRetriable(response.statusCode())
                        : RetryPolicy.isRetriable(error);
                String what = error == null ? "HTTP " + response.statusCode() : describe(error);
                if (retriable && retryPolicy.canRetry(attempts)) {
                    Duration wait = retryPolicy.backoff(attempts, ThreadLocalRandom.current().nextDouble(),
                            error == null ? RetryPolicy.retryAfterMillis(
                                    response.headers().firstValue("Retry-After").orElse(null))
                                    : OptionalLong.empty());
                    LOG.debug("{}{} on attempt {}; retrying in {} ms", prefix(), what, attempts, wait.toMillis());
                    stats.retries.increment();
                    retryScheduler.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                StringBuilder reason = new StringBuilder(prefix()).append(what);
                if (!retriable) {
                    reason.append(", not retried (only a 5xx, a 429, a timeout or an I/O error is)");
                } else {
                    reason.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts")
                            .append(" (retry.max.attempts)");
                }
                if (error == null && !response.body().isEmpty()) {
                    reason.append("; response: ").append(response.body());
                }
                result.complete(new Failed(new PostbackFailedException(reason.toString(), error)));
            } catch (RejectedExecutionException stopped) {
                result.complete(new Abandoned());
            } catch (RuntimeException e) {
                result.complete(new Failed(new PostbackFailedException(prefix() + e, e)));
            }
        }

        private String prefix() {
            return "postback of conversion " + conversionId + " to affiliate " + affiliateId + " ("
                    + request.method() + " " + withoutQuery(request.uri()) + "): ";
        }
    }

    /** The URL as logs and dead-letter headers may show it: no query (affiliates' tokens live there), no user info. */
    static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
    }

    /** A 2xx body is not read; another one is kept, cut short, for the failure reason. */
    private static HttpResponse.BodySubscriber<String> bodyHandler(HttpResponse.ResponseInfo info) {
        return info.statusCode() / 100 == 2 ? HttpResponse.BodySubscribers.replacing("")
                : new CappedBody(KEPT_RESPONSE_BYTES);
    }

    @Override
    public void close() {
        retryScheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Keeps the first bytes of a body, as text, and drops the rest. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<String> {

        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int take = Math.min(item.remaining(), cap - kept.size());
                if (take > 0) {
                    byte[] bytes = new byte[take];
                    item.get(bytes);
                    kept.write(bytes, 0, take);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            String text = kept.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
            body.complete(text);
        }
    }
}
