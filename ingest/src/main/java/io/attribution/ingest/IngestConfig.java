package io.attribution.ingest;

import java.time.Duration;

/**
 * How the ingest edge listens, what it accepts and how long it may take to answer. Advertisers are
 * untrusted HTTP clients: every limit here has a safe default.
 *
 * @param host                   interface to bind; 127.0.0.1 unless exposed on purpose
 * @param port                   0 picks a free port
 * @param maxBodyBytes           larger bodies get 413
 * @param maxRequestHeaderBytes  request line and headers together; a longer URI gets 414, longer headers 431
 * @param idleTimeout            a connection silent this long is closed (slow senders, idle keep-alives)
 * @param minRequestDataRate     bytes per second a body must at least arrive at, or the request is
 *                               ended (slowloris); 0 disables
 * @param maxConcurrentRequests  requests handled at once; more wait up to {@code maxQueueWait}, then 503
 * @param maxQueueWait           how long a request may wait for a slot when the edge is saturated
 * @param maxRequestsPerSecond   per client address; beyond it, 429
 * @param produceTimeout         longest wait for the broker's acknowledgement before answering 503
 * @param retryAfter             what a 503 tells the advertiser to wait before resending
 */
public record IngestConfig(String host, int port, long maxBodyBytes, int maxRequestHeaderBytes, Duration idleTimeout,
                           long minRequestDataRate, int maxConcurrentRequests, Duration maxQueueWait,
                           int maxRequestsPerSecond, Duration produceTimeout, Duration retryAfter) {

    public static final int DEFAULT_PORT = 8080;

    public IngestConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ingest port must be 0..65535, was " + port);
        }
        positive("max body bytes", maxBodyBytes);
        positive("max request header bytes", maxRequestHeaderBytes);
        positive("max concurrent requests", maxConcurrentRequests);
        positive("max requests per second", maxRequestsPerSecond);
        positive("idle timeout", idleTimeout.toMillis());
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException("min request data rate must not be negative, was " + minRequestDataRate);
        }
        if (produceTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
            // The producer needs room for one request timeout inside the delivery timeout.
            throw new IllegalArgumentException("produce timeout must be at least 2s, was " + produceTimeout);
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }

    public static IngestConfig defaults() {
        return new IngestConfig("127.0.0.1", DEFAULT_PORT, 64 * 1024, 8 * 1024, Duration.ofSeconds(30),
                1024, 512, Duration.ofSeconds(1), 200, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(host, newPort, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withHost(String newHost) {
        return new IngestConfig(newHost, port, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withMaxBodyBytes(long newMaxBodyBytes) {
        return new IngestConfig(host, port, newMaxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withMaxRequestHeaderBytes(int newMaxRequestHeaderBytes) {
        return new IngestConfig(host, port, maxBodyBytes, newMaxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withSlowClientLimits(Duration newIdleTimeout, long newMinRequestDataRate) {
        return new IngestConfig(host, port, maxBodyBytes, maxRequestHeaderBytes, newIdleTimeout, newMinRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withConcurrency(int newMaxConcurrentRequests, Duration newMaxQueueWait) {
        return new IngestConfig(host, port, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                newMaxConcurrentRequests, newMaxQueueWait, maxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withMaxRequestsPerSecond(int newMaxRequestsPerSecond) {
        return new IngestConfig(host, port, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, newMaxRequestsPerSecond, produceTimeout, retryAfter);
    }

    public IngestConfig withProduceTimeout(Duration newProduceTimeout) {
        return new IngestConfig(host, port, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, newProduceTimeout, retryAfter);
    }
}
