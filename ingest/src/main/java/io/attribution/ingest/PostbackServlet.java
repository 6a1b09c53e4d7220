package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * {@code /postback}: GET or POST, parameters in the query string, a form body or a JSON body.
 * Answers 200 only after the broker acknowledged the record; 400/413/415 for what the advertiser
 * must fix, recorded too within a budget; 503 with Retry-After when the record could not be stored
 * in time, or when the campaign catalog it checks against cannot be trusted (never accepted unchecked).
 */
final class PostbackServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(PostbackServlet.class);

    private final PostbackPublisher publisher;
    private final PostbackRequestReader reader;
    private final RefusalBudget budget;
    private final IngestMetrics metrics;
    private final StoredAnswers answers;
    private final long retryAfterSeconds;

    /**
     * @param budget        how many requests that cannot be read as postbacks are recorded
     * @param responder     runs the answer, so that Kafka's I/O thread never writes to a client socket
     * @param answerTimeout the latest an answer may come; past it the client gets a 503
     */
    PostbackServlet(PostbackPublisher publisher, PostbackRequestReader reader, RefusalBudget budget,
                    IngestMetrics metrics, Executor responder, Duration answerTimeout, Duration retryAfter) {
        this.publisher = publisher;
        this.reader = reader;
        this.budget = budget;
        this.metrics = metrics;
        this.answers = new StoredAnswers(responder, answerTimeout);
        this.retryAfterSeconds = retryAfter.toSeconds();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ingest(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ingest(request, response);
    }

    /**
     * HEAD is safe by definition, and link checkers and monitors send it on their own: it must not
     * store a postback (HttpServlet's default runs doGet, and the caller never sees the request_id).
     */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET, POST");
        PostbackAnswers.rejected(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", null,
                "HEAD does not store a postback: send it with GET or POST");
    }

    private void ingest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PostbackRequestReader.Incoming incoming;
        try {
            incoming = reader.read(request);
        } catch (RefusedRequest refused) {
            recordThenAnswer(request, response, refused);
            return;
        }
        if (incoming.verdict().isUnavailable()) {
            PostbackAnswers.unavailable(response, retryAfterSeconds, incoming.verdict().detail()
                    + "; the postback was not stored: send it again after " + retryAfterSeconds + " seconds");
            return;
        }
        answers.answerOnceStored(request.startAsync(), incoming.postback().getRequestId(),
                then -> publishSettling(incoming.postback(), incoming.verdict().signature(), then),
                new StoredAnswers.Reply() {
            @Override
            public void stored(HttpServletResponse response) throws IOException {
                EdgeVerdict verdict = incoming.verdict();
                if (verdict.isRefused()) {
                    // Stored for the postback log, never attributed: the advertiser learns why.
                    PostbackAnswers.refused(response, verdict.httpStatus(), verdict.refusal().name(), null,
                            verdict.detail(), incoming.postback().getRequestId());
                } else {
                    PostbackAnswers.accepted(response, incoming.postback().getRequestId());
                }
            }

            @Override
            public void notStored(HttpServletResponse response, Throwable error) throws IOException {
                if (error instanceof RecordTooLargeException) {
                    // Within the body limit, but too large once stored (e.g. thousands of token digests): resending won't help.
                    PostbackAnswers.rejected(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                            "PAYLOAD_TOO_LARGE", null, "the postback is too large to store");
                } else {
                    LOG.warn("Postback {} not stored: {}", incoming.postback().getRequestId(), error.toString());
                    PostbackAnswers.unavailable(response, retryAfterSeconds,
                            "the postback was not stored; send it again after " + retryAfterSeconds + " seconds");
                }
            }
        });
    }

    /**
     * A request that cannot be read as a postback is recorded, within the budget, so that the
     * request_id of its answer finds it in the postback log. Over the budget, or when the record
     * could not be stored, the answer carries no request_id: every id the edge gives is recorded.
     */
    private void recordThenAnswer(HttpServletRequest request, HttpServletResponse response, RefusedRequest refused)
            throws IOException {
        if (!budget.tryTake()) {
            metrics.refusalUnrecorded();
            PostbackAnswers.rejected(response, refused.status(), refused.error(), refused.field(), refused.getMessage());
            return;
        }
        answers.answerOnceStored(request.startAsync(), refused.record().getRequestId(),
                then -> publisher.publish(refused.record()).whenComplete(then), new StoredAnswers.Reply() {
            @Override
            public void stored(HttpServletResponse response) throws IOException {
                PostbackAnswers.refused(response, refused.status(), refused.error(), refused.field(),
                        refused.getMessage(), refused.record().getRequestId());
            }

            @Override
            public void notStored(HttpServletResponse response, Throwable error) throws IOException {
                LOG.debug("Refused request {} not recorded: {}", refused.record().getRequestId(), error.toString());
                metrics.refusalUnrecorded();
                PostbackAnswers.rejected(response, refused.status(), refused.error(), refused.field(),
                        refused.getMessage());
            }
        });
    }

    /**
     * Publishes the postback; its signature is used once stored, given back otherwise, before the
     * answer goes out: a client told 503 may resend at once, with the same signature. Settled on
     * the broker's word, not the answer's: a postback acknowledged after its 503 is stored all the same.
     */
    private void publishSettling(RawPostback postback, RequestSignature.Claim signature,
                                 StoredAnswers.Acknowledgement then) {
        publisher.publish(postback).whenComplete((metadata, error) -> {
            signature.settle(error == null);
            then.accept(metadata, error);
        });
    }
}
