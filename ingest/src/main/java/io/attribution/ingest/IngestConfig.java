package io.attribution.ingest;

import java.time.Duration;

/**
 * How the ingest edge listens and how long it may take to answer.
 *
 * @param host            interface to bind; 127.0.0.1 unless exposed on purpose
 * @param port            0 picks a free port
 * @param maxBodyBytes    larger bodies get 413 before they are read
 * @param produceTimeout  longest wait for the broker's acknowledgement before answering 503
 * @param retryAfter      what a 503 tells the advertiser to wait before resending
 */
public record IngestConfig(String host, int port, long maxBodyBytes, Duration produceTimeout, Duration retryAfter) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(5);

    public IngestConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ingest port must be 0..65535, was " + port);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("max body bytes must be positive, was " + maxBodyBytes);
        }
        if (produceTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
            // The producer needs room for one request timeout inside the delivery timeout.
            throw new IllegalArgumentException("produce timeout must be at least 2s, was " + produceTimeout);
        }
    }

    public static IngestConfig defaults() {
        return new IngestConfig("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_PRODUCE_TIMEOUT,
                Duration.ofSeconds(5));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(host, newPort, maxBodyBytes, produceTimeout, retryAfter);
    }

    public IngestConfig withHost(String newHost) {
        return new IngestConfig(newHost, port, maxBodyBytes, produceTimeout, retryAfter);
    }

    public IngestConfig withMaxBodyBytes(long newMaxBodyBytes) {
        return new IngestConfig(host, port, newMaxBodyBytes, produceTimeout, retryAfter);
    }

    public IngestConfig withProduceTimeout(Duration newProduceTimeout) {
        return new IngestConfig(host, port, maxBodyBytes, newProduceTimeout, retryAfter);
    }
}
