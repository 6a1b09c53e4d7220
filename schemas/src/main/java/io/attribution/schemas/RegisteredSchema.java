package io.attribution.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The value schema of a topic, registered in the registry, and the content id it is held under,
 * kept verified in the background: records are written under that id without asking the registry
 * (see {@link #frame}), so a registry that does not answer never holds up a writer.
 *
 * <p>Every check interval the registry is asked, within the request timeout, whether it still holds
 * our schema under that id. A registry that restarted empty (in-memory storage) no longer does, or
 * holds another schema under it: the schema is registered again and the new id used from then on.
 * While the id cannot be trusted (not registered yet; or the registry could not be reached or
 * answered with an error, so it may be restarting empty) the serializer refuses every record
 * rather than write one the registry may not be able to resolve. A registry that takes the
 * connection but does not answer in time is running, and holds what it held: records are still
 * written under the id. Records written in the moments before a registry went down are under an
 * id that a registry restarted empty may not hold: a writer that keeps what it wrote since the
 * last {@link #onConfirmed confirmation} can write those again under the id confirmed next.
 */
public final class RegisteredSchema<V extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredSchema.class);

    /** What is known of the schema's id. */
    public enum State {
        /** Not registered yet: the registry has not answered since the start. Records are refused. */
        UNREGISTERED,
        /** The registry answered the last check: it holds the schema under the id. */
        VERIFIED,
        /**
         * Since the id was verified, the registry took the connection of each check but did not answer
         * in time: it is running, so it still holds the schema. Records are written under the id.
         */
        UNANSWERED,
        /**
         * The registry could not be reached, or answered with an error, since the id was last verified:
         * it may come back without the schema. Records are refused until it confirms the id.
         */
        UNVERIFIED
    }

    /** @param detail the id, or why it is not verified */
    public record Health(State state, String detail) {
        /** Whether records are written now (else refused). */
        public boolean acceptsRecords() {
            return state == State.VERIFIED || state == State.UNANSWERED;
        }
    }

    private record Known(State state, OptionalLong contentId, String detail) {
    }

    /** A record's bytes, and the content id they were written under. */
    public record Framed(long contentId, byte[] bytes) {
    }

    /** Told after every check that found the registry holding the schema. */
    public interface Confirmation {

        /**
         * @param contentId         the id the registry holds the schema under now
         * @param checkStartedNanos when that check began ({@link System#nanoTime()}): records written
         *                          under that id before then are readable; records written under another
         *                          id are not, and must be written again
         */
        void confirmed(long contentId, long checkStartedNanos);
    }

    private final String subject;
    private final Schema schema;
    private final long fingerprint;
    private final BoundedRegistryClient registry;
    private final Duration requestTimeout;
    private final ScheduledExecutorService checker;
    private final CountDownLatch firstCheck = new CountDownLatch(1);
    private final FramedAvroWriter<V> framer;
    private volatile Known known = new Known(State.UNREGISTERED, OptionalLong.empty(), "not registered yet");
    private volatile Confirmation confirmation = (contentId, checkStartedNanos) -> { };

    private RegisteredSchema(RegistryClientSettings registryClient, Topic<V> topic, Duration requestTimeout) {
        AvroTrust.register();
        // The artifact Apicurio's serializers register a topic's values under (TopicIdStrategy).
        this.subject = topic.name() + "-value";
        this.schema = SpecificData.get().getSchema(topic.valueType());
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.registry = new BoundedRegistryClient(registryClient, requestTimeout);
        this.requestTimeout = requestTimeout;
        this.framer = new FramedAvroWriter<>(subject, schema);
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "registry-check-" + subject);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Registers the schema in the background at once, then checks it every {@code checkInterval}.
     *
     * @param requestTimeout the longest any one call to the registry may take
     */
    public static <V extends SpecificRecord> RegisteredSchema<V> start(String registryUrl, Topic<V> topic,
                                                                      Duration requestTimeout, Duration checkInterval) {
        return start(RegistryClientSettings.open(registryUrl), topic, requestTimeout, checkInterval);
    }

    /**
     * Registers the schema in the background at once, then checks it every {@code checkInterval}.
     *
     * @param registryClient the registry, with the credentials and TLS trust to call it with
     * @param requestTimeout the longest any one call to the registry may take
     */
    public static <V extends SpecificRecord> RegisteredSchema<V> start(RegistryClientSettings registryClient,
                                                                      Topic<V> topic, Duration requestTimeout,
                                                                      Duration checkInterval) {
        RegisteredSchema<V> registered = new RegisteredSchema<>(registryClient, topic, requestTimeout);
        registered.checker.scheduleWithFixedDelay(registered::check, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        return registered;
    }

    /**
     * Waits until the first check has an answer or gave up (two registry calls at most).
     *
     * @return whether records are written now
     */
    public boolean awaitFirstCheck() throws InterruptedException {
        firstCheck.await(requestTimeout.multipliedBy(2).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        return health().acceptsRecords();
    }

    /** The id records are written under; empty while they are refused. */
    public OptionalLong contentId() {
        Known now = known;
        return new Health(now.state(), now.detail()).acceptsRecords() ? now.contentId() : OptionalLong.empty();
    }

    public Health health() {
        Known now = known;
        return new Health(now.state(), now.detail());
    }

    /**
     * A record's bytes under the verified id, with that id, so that the writer can tell later
     * whether the registry still held it ({@link #onConfirmed}).
     *
     * @throws FramedAvroWriter.SchemaIdUnknownException while no id is verified
     */
    public Framed frame(V record) {
        long id = contentId().orElseThrow(() -> new FramedAvroWriter.SchemaIdUnknownException(
                "the registry is not known to hold the schema of " + subject + " right now"));
        return new Framed(id, framer.frame(id, record));
    }

    /** Who is told of each confirmation (one listener; the last set wins). */
    public void onConfirmed(Confirmation listener) {
        this.confirmation = listener;
    }

    private void check() {
        Known before = known;
        long startedAt = System.nanoTime();
        try {
            long id = before.contentId().isPresent() && holdsOurSchema(before.contentId().getAsLong())
                    ? before.contentId().getAsLong()
                    : register(before);
            known = new Known(State.VERIFIED, OptionalLong.of(id), "content id " + id);
            if (before.state() == State.UNVERIFIED || before.state() == State.UNANSWERED) {
                LOG.info("Schema of {} verified under content id {} again", subject, id);
            }
            tellConfirmed(id, startedAt);
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // close() interrupted a check under way: nothing was learnt of the registry.
            }
            State state = failedState(before.state(), e);
            known = new Known(state, before.contentId(), "registry did not answer: " + e);
            if (before.state() != state || firstCheck.getCount() > 0) {
                if (state == State.UNANSWERED) {
                    LOG.warn("Registry took the check of {}'s schema but did not answer within {} ms: records are still"
                            + " written under content id {}", subject, requestTimeout.toMillis(),
                            before.contentId().getAsLong());
                } else {
                    LOG.warn("Schema of {} not verified, records are refused until the registry answers: {}", subject,
                            e.toString());
                }
            }
        } finally {
            firstCheck.countDown();
        }
    }

    private void tellConfirmed(long id, long startedAt) {
        try {
            confirmation.confirmed(id, startedAt);
        } catch (RuntimeException e) {
            // The registry's state is what it is whatever the listener does with it.
            LOG.error("Confirmation of the schema of {} under content id {} not handled", subject, id, e);
        }
    }

    /**
     * A registry that took the connection and then said nothing is running: it holds what it held.
     * One that cannot be reached, or answers with an error, may be coming back empty.
     */
    private static State failedState(State before, Exception failure) {
        boolean runningButSilent = failure instanceof HttpTimeoutException
                && !(failure instanceof HttpConnectTimeoutException);
        return switch (before) {
            case UNREGISTERED -> State.UNREGISTERED;
            case VERIFIED, UNANSWERED -> runningButSilent ? State.UNANSWERED : State.UNVERIFIED;
            case UNVERIFIED -> State.UNVERIFIED;
        };
    }

    private long register(Known before) throws IOException {
        if (before.contentId().isPresent()) {
            LOG.warn("The registry no longer holds the schema of {} under content id {} (it restarted empty?):"
                    + " registering it again", subject, before.contentId().getAsLong());
        }
        long id = registry.register(subject, schema);
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new IOException("content id " + id + " of " + subject + " does not fit the 4-byte wire format");
        }
        LOG.info("Schema of {} registered under content id {}", subject, id);
        return id;
    }

    /** Whether the id holds a schema that reads our bytes as we write them (docs and properties aside). */
    private boolean holdsOurSchema(long id) throws IOException {
        return registry.content(id).map(content -> {
            try {
                return SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(content)) == fingerprint;
            } catch (SchemaParseException notAvro) {
                return false;
            }
        }).orElse(false);
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
