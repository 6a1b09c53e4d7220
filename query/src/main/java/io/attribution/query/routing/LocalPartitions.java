package io.attribution.query.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.attribution.query.protocol.InstanceReply;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers partitions of a question from this instance's stores only, and says why not where it
 * cannot. A copy that is not the running active (a standby, a restoring or warming-up task) only
 * answers when its changelog lag is within a bound: a standby assigned a moment ago is empty, and
 * an empty copy answering "0" would be a wrong number, not a stale one.
 */
final class LocalPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPartitions.class);

    private final StoreApplications applications;
    private final long maxStandbyLag;

    LocalPartitions(StoreApplications applications, long maxStandbyLag) {
        this.applications = applications;
        this.maxStandbyLag = maxStandbyLag;
    }

    InstanceReply answer(Question question, Set<Integer> partitions, boolean activeOnly) {
        Map<Integer, JsonNode> answers = new TreeMap<>();
        Map<Integer, String> unavailable = new TreeMap<>();
        Map<Integer, LagInfo> lags = null;
        KafkaStreams streams = applications.holding(question.store()).orElse(null);
        for (int partition : new TreeSet<>(partitions)) {
            if (streams == null) {
                // Another instance's router took this one for a holder: only a changed role does that.
                unavailable.put(partition, "NOT_HELD");
                continue;
            }
            KafkaStreams.State state = streams.state();
            if (!state.isRunningOrRebalancing()) {
                unavailable.put(partition, "NOT_RUNNING");
                continue;
            }
            try {
                if (!activeOnly) {
                    if (lags == null) {
                        lags = lags(streams, question.store());
                    }
                    requireCaughtUp(lags.get(partition), partition);
                }
                JsonNode answer = question.answerer().answer(streams, partition, activeOnly);
                answers.put(partition, answer == null ? NullNode.getInstance() : answer);
            } catch (PartitionUnavailable e) {
                unavailable.put(partition, e.reason());
            } catch (InvalidStateStoreException e) {
                // The store closed under an iterator: a rebalance moved the task away mid-answer.
                LOG.debug("Store {} partition {} went away while answering", question.store(), partition, e);
                unavailable.put(partition, "STORE_UNAVAILABLE");
            } catch (RuntimeException e) {
                LOG.warn("Answering {} for partition {} failed", question, partition, e);
                unavailable.put(partition, "ERROR");
            }
        }
        return new InstanceReply(answers, unavailable);
    }

    /**
     * Lags of every local copy of {@code store}, one broker round trip; only on the standby path,
     * which is taken when an active copy could not answer. A running active reports lag 0.
     */
    private static Map<Integer, LagInfo> lags(KafkaStreams streams, String store) throws PartitionUnavailable {
        try {
            return streams.allLocalStorePartitionLags().getOrDefault(store, Map.of());
        } catch (RuntimeException e) {
            throw new PartitionUnavailable("LAG_UNKNOWN", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void requireCaughtUp(LagInfo lag, int partition) throws PartitionUnavailable {
        if (lag == null) {
            throw new PartitionUnavailable("NOT_PRESENT", "no copy of partition " + partition + " here");
        }
        // The end offset counts records of open or aborted transactions and their markers too, so
        // this errs towards refusing a caught-up copy, never towards accepting a behind one.
        if (lag.offsetLag() > maxStandbyLag) {
            throw new PartitionUnavailable("LAGGING", "partition " + partition + " is " + lag.offsetLag()
                    + " changelog records behind (at most " + maxStandbyLag + " accepted)");
        }
    }
}
