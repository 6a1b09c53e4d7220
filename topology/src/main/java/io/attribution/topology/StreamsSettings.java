package io.attribution.topology;

import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** The topology's Kafka Streams settings; the safe ones are fixed here, in one place. */
public final class StreamsSettings {

    public static final String DEFAULT_APPLICATION_ID = "postback-attribution";
    /** The views application's id is the decisions application's with this suffix; so is its group instance id. */
    public static final String VIEWS_SUFFIX = "-views";
    /** The views application's state lives in this folder of the decisions application's state directory. */
    public static final String VIEWS_STATE_FOLDER = "views";

    private StreamsSettings() {
    }

    /**
     * @param overrides any further Kafka Streams setting (threads, standby replicas, the
     *                  {@link BoundedRocksDbMemory} budget, another {@code rocksdb.config.setter}, ...);
     *                  the guarantees below cannot be overridden
     */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir,
                                Map<String, String> overrides) {
        return of(applicationId, KafkaClientSettings.plaintext(bootstrapServers), stateDir, overrides);
    }

    /**
     * @param cluster   the Kafka cluster and the operator's client settings for it (TLS, SASL), which
     *                  every client of Kafka Streams gets: consumers, producers, admin
     * @param overrides as above
     */
    public static Properties of(String applicationId, KafkaClientSettings cluster, Path stateDir,
                                Map<String, String> overrides) {
        Properties props = new Properties();
        props.putAll(cluster.client(overrides));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // A replayed or resent record must never yield a second conversion.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Store and topic names are the upgrade contract: refuse to start with a generated one.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // A record that cannot be read or processed goes to the dead-letter topic; the app keeps running.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // An output too large or unserializable goes there too, instead of failing its task forever.
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class);
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Off-heap memory bounded for the whole process, not per store (see BoundedRocksDbMemory).
        Object configSetter = props.computeIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                key -> BoundedRocksDbMemory.class.getName());
        if (BoundedRocksDbMemory.class.getName().equals(configSetter.toString())) {
            // A bad budget fails here, at start, not later in a stream thread opening its first store.
            BoundedRocksDbMemory.Budget.from(props);
        }
        return props;
    }

    /**
     * The views application's settings, derived from the decisions application's ({@link #of}):
     * the same guarantees (exactly_once_v2, so read_committed) and overrides, but an application id,
     * a state folder, a static group instance id and a thread count of its own. The views read
     * the output topics from their start on a first run: they are derived from them, so a new
     * views application rebuilds them whole.
     */
    public static Properties views(Properties decisions, int streamThreads) {
        if (streamThreads < 1) {
            throw new IllegalArgumentException("the views need at least one stream thread, was " + streamThreads);
        }
        Properties views = new Properties();
        views.putAll(decisions);
        views.put(StreamsConfig.APPLICATION_ID_CONFIG,
                decisions.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + VIEWS_SUFFIX);
        views.put(StreamsConfig.STATE_DIR_CONFIG,
                Path.of(decisions.getProperty(StreamsConfig.STATE_DIR_CONFIG)).resolve(VIEWS_STATE_FOLDER).toString());
        views.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(streamThreads));
        views.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The views join nothing: no view depends on which of its input topics is read first, so a
        // task never waits for an empty partition (the decisions do, so that a click is read before
        // the postbacks that follow it). Waiting also costs: Kafka Streams 4.3 formats log text
        // for every record it checks an empty partition for, about a tenth of the views' stream
        // thread on the clicks mix, where the conversion topics are mostly empty (bench/README.md).
        views.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, String.valueOf(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // Two members of different groups may share an id, but logs, metrics and the broker's
        // member lists are read by people: each application's members get ids of their own.
        for (String key : new String[] {ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)}) {
            Object id = decisions.get(key);
            if (id != null) {
                views.put(key, id + VIEWS_SUFFIX);
            }
        }
        return views;
    }
}
