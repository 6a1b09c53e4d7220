package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RejectionReason;
import io.attribution.http.JsonAnswers;
import io.attribution.postback.PostbackParameters;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * The postback tester for advertisers, under {@code /tester}. The page ({@code GET /tester}) is
 * static and holds nothing secret; every API call needs the admin token, as the campaign admin's do.
 *
 * <pre>
 * GET  /tester                          the page (tester.html, tester.js)
 * POST /tester/clicks                   {campaign_id, affiliate_id?}: a test click, and a postback URL to start from
 * POST /tester/postbacks                {params: {click_id, goal_value, txn_id, ...}}: fired at ingest, its answer
 * GET  /tester/postbacks/{request_id}?click_id=   what became of it, with what to fix when rejected
 * </pre>
 */
final class PostbackTesterServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(PostbackTesterServlet.class);
    /** Request ids are UUIDs; anything else is refused before it reaches the query API's path. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Map<String, String> STATIC_FILES = Map.of(
            "", "tester.html", "tester.js", "tester.js");

    private final CampaignAdmin admin;
    private final AdminAuthorization authorization;
    private final Optional<TestClicks> clicks;
    private final Optional<TesterRelay> relay;

    /** @param clicks, relay empty when the tester is off (no ingest and query API to test against) */
    PostbackTesterServlet(CampaignAdmin admin, AdminAuthorization authorization, Optional<TestClicks> clicks,
                          Optional<TesterRelay> relay) {
        this.admin = admin;
        this.authorization = authorization;
        this.clicks = clicks;
        this.relay = relay;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo().replaceFirst("^/", "");
        String method = request.getMethod();
        if (method.equals("GET") && STATIC_FILES.containsKey(path)) {
            page(response, STATIC_FILES.get(path));
            return;
        }
        if (!authorization.admits(request, response)) {
            return;
        }
        if (clicks.isEmpty() || relay.isEmpty()) {
            error(response, 404, "TESTER_OFF", null, "the postback tester is off: it needs the ingest server and the"
                    + " query API to test against (admin.tester.ingest.url, admin.tester.query.url)");
            return;
        }
        try {
            if (method.equals("POST") && path.equals("clicks")) {
                testClick(request, response);
            } else if (method.equals("POST") && path.equals("postbacks")) {
                fire(request, response);
            } else if (method.equals("GET") && path.startsWith("postbacks/")) {
                fate(request, response, path.substring("postbacks/".length()));
            } else {
                error(response, 404, "NOT_FOUND", null, method + " " + request.getRequestURI()
                        + " is not a tester call");
            }
        } catch (CatalogUnavailableException e) {
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", e.error(), null, e.getMessage()));
        } catch (InvalidCampaignException e) {
            error(response, 400, "INVALID_REQUEST", e.field(), e.getMessage());
        } catch (NoSuchElementException e) {
            error(response, 404, "NOT_FOUND", null, e.getMessage());
        } catch (ExecutionException | IOException e) {
            LOG.warn("Postback tester call {} {} failed: {}", method, request.getRequestURI(), e.toString());
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", "UNAVAILABLE", null,
                    "Kafka, ingest or the query API could not be reached (" + e.getMessage() + "); try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", "UNAVAILABLE", null, "interrupted"));
        }
    }

    private void testClick(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ExecutionException, InterruptedException {
        JsonNode body = objectBody(request);
        String campaignId = text(body, "campaign_id", true);
        String affiliateId = Optional.ofNullable(text(body, "affiliate_id", false)).orElse(TestClicks.DEFAULT_AFFILIATE);
        admin.requireCurrentCatalog();
        Campaign campaign = admin.get(campaignId)
                .orElseThrow(() -> new NoSuchElementException("no campaign " + campaignId));
        Click click;
        try {
            click = clicks.get().issue(campaign, affiliateId);
        } catch (IllegalArgumentException paused) {
            error(response, 409, "CAMPAIGN_PAUSED", "campaign_id", paused.getMessage());
            return;
        }
        Map<String, String> example = new LinkedHashMap<>();
        example.put(PostbackParameters.CLICK_ID, click.getClickId());
        example.put(PostbackParameters.CAMPAIGN_ID, campaignId);
        if (campaign.getDefaultGoalId() == null && !campaign.getGoals().isEmpty()) {
            example.put(PostbackParameters.GOAL_VALUE, campaign.getGoals().get(0).getValue());
        }
        example.put(PostbackParameters.TXN_ID, "test-order-1");
        if (campaign.getSecurityToken() != null) {
            example.put(PostbackParameters.SECURITY_TOKEN, "YOUR_SECURITY_TOKEN");
        }
        ObjectNode answer = JsonAnswers.JSON.createObjectNode();
        answer.put("click_id", click.getClickId());
        answer.put("campaign_id", campaignId);
        answer.put("affiliate_id", affiliateId);
        answer.put("test", true);
        answer.put("clicked_at", click.getClickedAt().toString());
        answer.put("postback_url_example", relay.get().postbackUrl(example));
        JsonAnswers.write(response, 201, answer);
    }

    private void fire(HttpServletRequest request, HttpServletResponse response)
            throws IOException, InterruptedException {
        JsonNode params = objectBody(request).path("params");
        if (!params.isObject()) {
            throw new InvalidCampaignException("params", "must be an object of parameter names and values");
        }
        if (params.size() > PostbackParameters.MAX_PARAMETERS) {
            throw new InvalidCampaignException("params", "at most " + PostbackParameters.MAX_PARAMETERS
                    + " parameters");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = params.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new InvalidCampaignException("params." + field.getKey(), "must be a text or a number");
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        TesterRelay.Answer ingest = relay.get().firePostback(values);
        ObjectNode answer = JsonAnswers.JSON.createObjectNode();
        answer.put("postback_url", relay.get().postbackUrl(values));
        answer.put("ingest_status", ingest.status());
        answer.set("ingest_answer", ingest.body());
        if (ingest.body() != null && ingest.body().hasNonNull("request_id")) {
            answer.put("request_id", ingest.body().get("request_id").asText());
        }
        JsonAnswers.write(response, 200, answer);
    }

    private void fate(HttpServletRequest request, HttpServletResponse response, String requestId)
            throws IOException, InterruptedException {
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new InvalidCampaignException("request_id", "is not a request id ingest answers with");
        }
        TesterRelay.Answer fate = relay.get().fate(requestId, request.getParameter("click_id"));
        ObjectNode answer = JsonAnswers.JSON.createObjectNode();
        answer.put("request_id", requestId);
        if (fate.status() == 404) {
            answer.put("state", "NOT_YET_DECIDED");
            answer.put("message", "the query API does not know this postback yet: ask again in a second");
            JsonAnswers.write(response, 200, answer);
            return;
        }
        if (fate.status() != 200 || fate.body() == null) {
            JsonAnswers.write(response, 502, JsonAnswers.error("error", "QUERY_API_ANSWER", null,
                    "the query API answered " + fate.status() + ": " + (fate.body() == null ? "" : fate.body())));
            return;
        }
        JsonNode body = fate.body();
        answer.put("state", body.path("state").asText());
        JsonNode decided = body.has("conversion") ? body.get("conversion") : body.path("rejection");
        answer.put("test", decided.path("test").asBoolean(false));
        if (body.has("rejection")) {
            RejectionReason reason = reason(body.get("rejection").path("reason").asText());
            answer.put("reason", reason.name());
            answer.put("detail", body.get("rejection").path("detail").asText());
            answer.put("what_to_fix", RejectionHints.hint(reason));
        }
        answer.set("fate", body);
        JsonAnswers.write(response, 200, answer);
    }

    private static RejectionReason reason(String name) {
        try {
            return RejectionReason.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return RejectionReason.OTHER;
        }
    }

    private static void page(HttpServletResponse response, String file) throws IOException {
        try (InputStream in = PostbackTesterServlet.class.getResourceAsStream("/tester/" + file)) {
            if (in == null) {
                error(response, 404, "NOT_FOUND", null, "no " + file);
                return;
            }
            response.setStatus(200);
            response.setContentType(file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8");
            // Nothing but this origin's own script and calls: a value the page shows can never run.
            response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self';"
                    + " style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            in.transferTo(response.getOutputStream());
        }
    }

    private static JsonNode objectBody(HttpServletRequest request) throws IOException {
        JsonNode body;
        try {
            body = JsonAnswers.JSON.readTree(request.getInputStream());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidCampaignException("(body)", "is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new InvalidCampaignException("(body)", "must be a JSON object");
        }
        return body;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            if (required) {
                throw new InvalidCampaignException(field, "is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidCampaignException(field, "must be a text");
        }
        return value.asText();
    }

    private static void error(HttpServletResponse response, int status, String error, String field, String message)
            throws IOException {
        JsonAnswers.write(response, status, JsonAnswers.error("error", error, field, message));
    }
}
