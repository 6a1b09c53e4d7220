package io.attribution.ingest;

import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.IpAllowList;

import java.time.Duration;
import java.util.List;

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
 * @param maxRecordedRefusalsPerSecond invalid requests (400, 413, 415) recorded on {@code postbacks.raw}
 *                               per second, for the whole edge, a second's worth in a burst; beyond it
 *                               they are answered without a request_id, so a flood cannot fill the topic
 * @param trustedProxies         IPs and CIDR ranges of our own load balancers: only from these is
 *                               X-Forwarded-For believed
 * @param signatureTolerance     how far a signed request's timestamp may be from our clock
 * @param produceTimeout         longest wait for the broker's acknowledgement before answering 503
 * @param retryAfter             what a 503 tells the advertiser to wait before resending
 * @param campaignsMaxStale      how long the campaign catalog may be stuck before postbacks naming a
 *                               campaign are refused (503) and readiness goes down
 * @param registryRequestTimeout the longest one call to the schema registry may take
 * @param registryCheckInterval  how often the registry is asked whether it still holds the postbacks'
 *                               schema under the id they are written with
 * @param clickDurability        when {@code /click} redirects: once the broker acknowledged the click,
 *                               or as soon as the producer has it (faster; a crash loses what it buffered)
 */
public record IngestConfig(String host, int port, long maxBodyBytes, int maxRequestHeaderBytes, Duration idleTimeout,
                           long minRequestDataRate, int maxConcurrentRequests, Duration maxQueueWait,
                           int maxRequestsPerSecond, int maxRecordedRefusalsPerSecond, List<String> trustedProxies,
                           Duration signatureTolerance, Duration produceTimeout, Duration retryAfter,
                           Duration campaignsMaxStale, Duration registryRequestTimeout,
                           Duration registryCheckInterval, ClickDurability clickDurability) {

    public static final int DEFAULT_PORT = 8080;

    public IngestConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ingest port must be 0..65535, was " + port);
        }
        positive("max body bytes", maxBodyBytes);
        positive("max request header bytes", maxRequestHeaderBytes);
        positive("max concurrent requests", maxConcurrentRequests);
        positive("max requests per second", maxRequestsPerSecond);
        if (maxRecordedRefusalsPerSecond < 0) {
            throw new IllegalArgumentException("max recorded refusals per second must not be negative, was "
                    + maxRecordedRefusalsPerSecond);
        }
        positive("idle timeout", idleTimeout.toMillis());
        positive("campaigns max stale", campaignsMaxStale.toMillis());
        positive("registry request timeout", registryRequestTimeout.toMillis());
        positive("registry check interval", registryCheckInterval.toMillis());
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException("min request data rate must not be negative, was " + minRequestDataRate);
        }
        if (clickDurability == null) {
            throw new IllegalArgumentException("click durability must be one of " + List.of(ClickDurability.values()));
        }
        trustedProxies = List.copyOf(trustedProxies);
        IpAllowList.of(trustedProxies); // a typo in a proxy address fails the start, not a request

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

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults, and one setter per setting. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private long maxBodyBytes = 64 * 1024;
        private int maxRequestHeaderBytes = 8 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long minRequestDataRate = 1024;
        private int maxConcurrentRequests = 512;
        private Duration maxQueueWait = Duration.ofSeconds(1);
        private int maxRequestsPerSecond = 200;
        private int maxRecordedRefusalsPerSecond = 100;
        private List<String> trustedProxies = List.of();
        private Duration signatureTolerance = Duration.ofMinutes(5);
        private Duration produceTimeout = Duration.ofSeconds(5);
        private Duration retryAfter = Duration.ofSeconds(5);
        private Duration campaignsMaxStale = CampaignCatalog.DEFAULT_MAX_STALENESS;
        private Duration registryRequestTimeout = Duration.ofSeconds(2);
        private Duration registryCheckInterval = Duration.ofSeconds(1);
        private ClickDurability clickDurability = ClickDurability.BROKER;

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder maxRequestHeaderBytes(int value) {
            maxRequestHeaderBytes = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder minRequestDataRate(long value) {
            minRequestDataRate = value;
            return this;
        }

        public Builder maxConcurrentRequests(int value) {
            maxConcurrentRequests = value;
            return this;
        }

        public Builder maxQueueWait(Duration value) {
            maxQueueWait = value;
            return this;
        }

        public Builder maxRequestsPerSecond(int value) {
            maxRequestsPerSecond = value;
            return this;
        }

        public Builder maxRecordedRefusalsPerSecond(int value) {
            maxRecordedRefusalsPerSecond = value;
            return this;
        }

        public Builder trustedProxies(List<String> value) {
            trustedProxies = value;
            return this;
        }

        public Builder signatureTolerance(Duration value) {
            signatureTolerance = value;
            return this;
        }

        public Builder produceTimeout(Duration value) {
            produceTimeout = value;
            return this;
        }

        public Builder retryAfter(Duration value) {
            retryAfter = value;
            return this;
        }

        public Builder campaignsMaxStale(Duration value) {
            campaignsMaxStale = value;
            return this;
        }

        public Builder registryRequestTimeout(Duration value) {
            registryRequestTimeout = value;
            return this;
        }

        public Builder registryCheckInterval(Duration value) {
            registryCheckInterval = value;
            return this;
        }

        public Builder clickDurability(ClickDurability value) {
            clickDurability = value;
            return this;
        }

        public IngestConfig build() {
            return new IngestConfig(host, port, maxBodyBytes, maxRequestHeaderBytes, idleTimeout, minRequestDataRate,
                    maxConcurrentRequests, maxQueueWait, maxRequestsPerSecond, maxRecordedRefusalsPerSecond,
                    trustedProxies, signatureTolerance, produceTimeout, retryAfter, campaignsMaxStale,
                    registryRequestTimeout, registryCheckInterval, clickDurability);
        }
    }
}
