package io.attribution.ingest;

import io.attribution.http.JsonAnswers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Liveness ({@code /healthz}: the process serves HTTP) and readiness ({@code /readyz}: it can
 * store postbacks now) are separate, so an orchestrator stops routing traffic during a Kafka
 * outage without restarting a process that will recover by itself.
 */
final class HealthServlet extends HttpServlet {

    private final BooleanSupplier check;

    private HealthServlet(BooleanSupplier check) {
        this.check = check;
    }

    static HealthServlet liveness() {
        return new HealthServlet(() -> true);
    }

    static HealthServlet readiness(KafkaReadiness kafka) {
        return new HealthServlet(kafka::isReady);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean up = check.getAsBoolean();
        JsonAnswers.write(response, up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                Map.of("status", up ? "up" : "down"));
    }
}
