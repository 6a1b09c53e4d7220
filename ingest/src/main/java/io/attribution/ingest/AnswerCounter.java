package io.attribution.ingest;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * Counts every answer of the ingest port by its final status. A request log rather than a handler:
 * Jetty logs every request once it is answered, also the 400/414/431 its HTTP parser gives before
 * any handler runs, and the 413/429/503 of the size, rate and concurrency limits.
 */
final class AnswerCounter implements RequestLog {

    private final IngestMetrics metrics;

    AnswerCounter(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void log(Request request, Response response) {
        if (IngestMetrics.isPostbackTraffic(request)) {
            metrics.answered(request, response.getStatus());
        }
    }
}
