package io.attribution.ingest;

import io.attribution.schemas.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether the Kafka cluster answers right now. The last answer is reused for a second so that
 * a load balancer probing often does not turn into a stream of admin requests.
 */
public final class KafkaReadiness implements AutoCloseable {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REUSE = Duration.ofSeconds(1);

    private final Admin admin;
    private final Clock clock;
    private Instant checkedAt = Instant.MIN;
    private boolean ready;

    /** @param cluster the Kafka cluster and the operator's client settings for it (TLS, SASL) */
    public KafkaReadiness(KafkaClientSettings cluster) {
        this.admin = Admin.create(cluster.client(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "postback-ingest-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis())));
        this.clock = Clock.systemUTC();
    }

    public synchronized boolean isReady() {
        Instant now = clock.instant();
        if (Duration.between(checkedAt, now).compareTo(REUSE) > 0) {
            ready = check();
            checkedAt = clock.instant();
        }
        return ready;
    }

    private boolean check() {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()))
                    .nodes().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
