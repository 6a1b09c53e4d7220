package io.attribution.ingest;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Answers a request once the record it wrote is stored or known not to be, or with the not-stored
 * answer at the answer timeout: never both, and never from Kafka's I/O thread. The postback and
 * click servlets answer through this.
 */
final class StoredAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(StoredAnswers.class);

    /** How a request is answered once its record is stored, or once it could not be. */
    interface Reply {
        void stored(HttpServletResponse response) throws IOException;

        void notStored(HttpServletResponse response, Throwable error) throws IOException;
    }

    /** What to do once the broker has acknowledged a record, or once it is known not to be stored. */
    interface Acknowledgement extends BiConsumer<RecordMetadata, Throwable> {
    }

    private final Executor responder;
    private final Duration answerTimeout;

    /**
     * @param responder     runs the answer, so that Kafka's I/O thread never writes to a client socket
     * @param answerTimeout the latest an answer may come; past it the client gets the not-stored answer
     */
    StoredAnswers(Executor responder, Duration answerTimeout) {
        this.responder = responder;
        this.answerTimeout = answerTimeout;
    }

    /**
     * @param recordId names the record in the log when the client is gone
     * @param store    writes the record and calls the acknowledgement it is given once settled
     */
    void answerOnceStored(AsyncContext async, String recordId, Consumer<Acknowledgement> store, Reply reply) {
        AtomicBoolean answered = new AtomicBoolean();
        async.setTimeout(answerTimeout.toMillis());
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                answer(async, answered, recordId, reply, new IllegalStateException("no acknowledgement within " + answerTimeout));
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        // One hop, straight from the acknowledgement to a Jetty thread: no future in between.
        store.accept((metadata, error) -> responder.execute(() -> answer(async, answered, recordId, reply, error)));
    }

    private static void answer(AsyncContext async, AtomicBoolean answered, String recordId, Reply reply,
                               Throwable error) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            if (error == null) {
                reply.stored(response);
            } else {
                reply.notStored(response, error);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Could not answer request {}: client gone", recordId, e);
        } finally {
            async.complete();
        }
    }
}
