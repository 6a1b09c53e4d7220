package io.attribution.ingest;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Keeps {@code postback_requests_in_flight}: a request counts from the moment it enters the handler
 * chain until its answer is complete, so requests queued for a slot or waiting for Kafka's
 * acknowledgement show up, and a saturated edge is visible before it starts answering 503.
 */
final class InFlightHandler extends Handler.Wrapper {

    private final IngestMetrics metrics;

    InFlightHandler(IngestMetrics metrics, Handler handler) {
        super(handler);
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (IngestMetrics.isPostbackTraffic(request)) {
            metrics.requestStarted();
            // Runs once the request is complete, however it ends: answered, failed or refused.
            Request.addCompletionListener(request, failure -> metrics.requestEnded());
        }
        return super.handle(request, response, callback);
    }
}
