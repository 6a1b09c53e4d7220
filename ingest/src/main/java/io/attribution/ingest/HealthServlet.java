package io.attribution.ingest;

import io.attribution.campaigns.CampaignCatalog;
import io.attribution.http.JsonAnswers;
import io.attribution.schemas.RegisteredSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Liveness ({@code /healthz}: the process serves HTTP) and readiness ({@code /readyz}: it can
 * store postbacks now, with every check it promises) are separate, so an orchestrator stops routing
 * traffic during a Kafka outage without restarting a process that will recover by itself. The
 * readiness body names each part:
 * {@code {"status":"down","kafka":"up","registry":"UNVERIFIED","click_schema":"UNVERIFIED","campaigns":"CURRENT"}}.
 */
final class HealthServlet extends HttpServlet {

    private final Supplier<Map<String, String>> parts;

    private HealthServlet(Supplier<Map<String, String>> parts) {
        this.parts = parts;
    }

    static HealthServlet liveness() {
        return new HealthServlet(Map::of);
    }

    /**
     * Kafka answers, postbacks are written under a schema id the registry holds (else every
     * postback gets 503: see {@link RegisteredSchema.State}), so are clicks (else every click gets
     * 503: {@code click_schema}, apart so that an operator sees which), and the campaign catalog is
     * current (else postbacks naming a campaign, and every click, get 503).
     */
    static HealthServlet readiness(KafkaReadiness kafka, RegisteredSchema<?> postbackSchema,
                                   RegisteredSchema<?> clickSchema, CampaignCatalog campaigns) {
        return new HealthServlet(() -> {
            Map<String, String> parts = new LinkedHashMap<>();
            parts.put("kafka", kafka.isReady() ? "up" : "down");
            parts.put("registry", schemaState(postbackSchema));
            parts.put("click_schema", schemaState(clickSchema));
            parts.put("campaigns", campaigns.health().state().name());
            return parts;
        });
    }

    private static String schemaState(RegisteredSchema<?> schema) {
        RegisteredSchema.Health health = schema.health();
        return health.acceptsRecords() ? "up" : health.state().name();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> checked = parts.get();
        boolean up = checked.values().stream().allMatch(state -> state.equals("up")
                || state.equals(CampaignCatalog.State.CURRENT.name()));
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", up ? "up" : "down");
        body.putAll(checked);
        JsonAnswers.write(response, up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
    }
}
