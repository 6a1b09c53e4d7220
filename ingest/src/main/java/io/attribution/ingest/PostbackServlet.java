package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.postback.InvalidParameterException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /postback}: GET or POST, parameters in the query string, a form body or a JSON body.
 * Answers 200 only after the broker acknowledged the record; 400/413/415 for what the advertiser
 * must fix; 503 with Retry-After when the record could not be stored in time.
 */
final class PostbackServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(PostbackServlet.class);

    private final PostbackPublisher publisher;
    private final PostbackRequestReader reader;
    private final Executor responder;
    private final Duration answerTimeout;
    private final long retryAfterSeconds;

    /**
     * @param responder     runs the answer, so that Kafka's I/O thread never writes to a client socket
     * @param answerTimeout the latest an answer may come; past it the client gets a 503
     */
    PostbackServlet(PostbackPublisher publisher, PostbackRequestReader reader, Executor responder,
                    Duration answerTimeout, Duration retryAfter) {
        this.publisher = publisher;
        this.reader = reader;
        this.responder = responder;
        this.answerTimeout = answerTimeout;
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
        } catch (InvalidParameterException e) {
            String error = e.isMissing() && "click_id".equals(e.parameter()) ? "MISSING_CLICK_ID"
                    : e.isMissing() ? "MISSING_PARAMETER" : "MALFORMED";
            PostbackAnswers.rejected(response, HttpServletResponse.SC_BAD_REQUEST, error, e.parameter(), e.getMessage());
            return;
        } catch (UnsupportedBodyException e) {
            String error = e.status() == 415 ? "UNSUPPORTED_MEDIA_TYPE" : "MALFORMED";
            PostbackAnswers.rejected(response, e.status(), error, null, e.getMessage());
            return;
        } catch (HttpException.RuntimeException e) {
            // The size limit interrupts the body read of a chunked request that grows too large.
            if (e.getCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
                PostbackAnswers.rejected(response, e.getCode(), "PAYLOAD_TOO_LARGE", null, "body is larger than allowed");
                return;
            }
            throw e;
        }
        if (incoming.verdict().isUnavailable()) {
            PostbackAnswers.unavailable(response, retryAfterSeconds, incoming.verdict().detail()
                    + "; the postback was not stored: send it again after " + retryAfterSeconds + " seconds");
            return;
        }
        answerWhenStored(request.startAsync(), incoming);
    }

    private void answerWhenStored(AsyncContext async, PostbackRequestReader.Incoming incoming) {
        RawPostback postback = incoming.postback();
        AtomicBoolean answered = new AtomicBoolean();
        async.setTimeout(answerTimeout.toMillis());
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                answer(async, answered, incoming, new IllegalStateException("no acknowledgement within " + answerTimeout));
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
        publisher.publish(postback).whenCompleteAsync(
                (metadata, error) -> answer(async, answered, incoming, error), responder);
    }

    private void answer(AsyncContext async, AtomicBoolean answered, PostbackRequestReader.Incoming incoming,
                        Throwable error) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        RawPostback postback = incoming.postback();
        EdgeVerdict verdict = incoming.verdict();
        try {
            if (error == null && verdict.isRefused()) {
                // Stored for the postback log, never attributed: the advertiser learns why.
                PostbackAnswers.refused(response, verdict.httpStatus(), verdict.refusal().name(), verdict.detail(),
                        postback.getRequestId());
            } else if (error == null) {
                PostbackAnswers.accepted(response, postback.getRequestId());
            } else if (error instanceof RecordTooLargeException) {
                // Within the body limit, but too large once stored (e.g. thousands of token digests): resending won't help.
                PostbackAnswers.rejected(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "PAYLOAD_TOO_LARGE", null,
                        "the postback is too large to store");
            } else {
                LOG.warn("Postback {} not stored: {}", postback.getRequestId(), error.toString());
                PostbackAnswers.unavailable(response, retryAfterSeconds,
                        "the postback was not stored; send it again after " + retryAfterSeconds + " seconds");
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Could not answer postback {}: client gone", postback.getRequestId(), e);
        } finally {
            async.complete();
        }
    }
}
