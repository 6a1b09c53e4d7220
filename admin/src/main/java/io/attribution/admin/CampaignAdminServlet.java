package io.attribution.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Goal;
import io.attribution.http.JsonAnswers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;

/**
 * The campaign admin API, under {@code /campaigns}; every call needs {@code Authorization: Bearer <admin token>}.
 *
 * <pre>
 * GET  /campaigns                                    list
 * GET  /campaigns/{id}                               one campaign
 * PUT  /campaigns/{id}                               create (201) or replace (200)
 * POST /campaigns/{id}/pause | /resume
 * PUT  /campaigns/{id}/goals/{goal_id}               add or replace a goal
 * POST /campaigns/{id}/goals/{goal_id}/pause | /resume
 * </pre>
 */
final class CampaignAdminServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignAdminServlet.class);

    private final CampaignAdmin admin;
    private final AdminAuthorization authorization;

    CampaignAdminServlet(CampaignAdmin admin, AdminAuthorization authorization) {
        this.admin = admin;
        this.authorization = authorization;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!authorization.admits(request, response)) {
            return;
        }
        String[] path = request.getPathInfo() == null ? new String[0]
                : request.getPathInfo().replaceFirst("^/", "").split("/", -1);
        try {
            admin.requireCurrentCatalog();
            route(request, response, request.getMethod(), path);
        } catch (CatalogUnavailableException e) {
            LOG.warn("Campaign admin call {} {} refused: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", e.error(), null, e.getMessage()));
        } catch (InvalidCampaignException e) {
            error(response, 400, "INVALID_CAMPAIGN", e.field(), e.getMessage());
        } catch (JsonProcessingException e) {
            error(response, 400, "INVALID_JSON", null, e.getOriginalMessage());
        } catch (NoSuchElementException e) {
            error(response, 404, "NOT_FOUND", null, e.getMessage());
        } catch (ExecutionException e) {
            LOG.warn("Campaign write failed", e);
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", "NOT_STORED", null,
                    "the campaign could not be written to Kafka; try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonAnswers.unavailable(response, 5, JsonAnswers.error("error", "NOT_STORED", null, "interrupted"));
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response, String method, String[] path)
            throws IOException, ExecutionException, InterruptedException {
        int parts = path.length == 1 && path[0].isEmpty() ? 0 : path.length;
        if (parts == 0 && method.equals("GET")) {
            ArrayNode list = JsonAnswers.JSON.createArrayNode();
            admin.list().forEach(campaign -> list.add(CampaignJson.write(campaign)));
            JsonAnswers.write(response, 200, JsonAnswers.JSON.createObjectNode().set("campaigns", list));
        } else if (parts == 1 && method.equals("GET")) {
            JsonAnswers.write(response, 200, CampaignJson.write(admin.get(path[0])
                    .orElseThrow(() -> new NoSuchElementException("no campaign " + path[0]))));
        } else if (parts == 1 && method.equals("PUT")) {
            ObjectNode body = objectBody(request);
            if (body.hasNonNull("campaign_id") && !body.get("campaign_id").asText().equals(path[0])) {
                throw new InvalidCampaignException("campaign_id", "differs from the campaign id in the path");
            }
            body.put("campaign_id", path[0]);
            boolean created = admin.get(path[0]).isEmpty();
            JsonAnswers.write(response, created ? 201 : 200, CampaignJson.write(admin.put(CampaignJson.read(body))));
        } else if (parts == 2 && method.equals("POST") && status(path[1]) != null) {
            JsonAnswers.write(response, 200, CampaignJson.write(admin.setStatus(path[0], status(path[1]))));
        } else if (parts == 3 && path[1].equals("goals") && method.equals("PUT")) {
            ObjectNode body = objectBody(request);
            body.put("goal_id", path[2]);
            Goal goal = CampaignJson.readGoal(body, "");
            JsonAnswers.write(response, 200, CampaignJson.write(admin.putGoal(path[0], goal)));
        } else if (parts == 4 && path[1].equals("goals") && method.equals("POST") && status(path[3]) != null) {
            JsonAnswers.write(response, 200, CampaignJson.write(admin.setGoalStatus(path[0], path[2], status(path[3]))));
        } else {
            error(response, 404, "NOT_FOUND", null, method + " " + request.getRequestURI() + " is not an admin call");
        }
    }

    private static ActivityStatus status(String action) {
        return switch (action) {
            case "pause" -> ActivityStatus.PAUSED;
            case "resume" -> ActivityStatus.ACTIVE;
            default -> null;
        };
    }

    private static ObjectNode objectBody(HttpServletRequest request) throws IOException {
        JsonNode body = JsonAnswers.JSON.readTree(request.getInputStream());
        if (body == null || !body.isObject()) {
            throw new InvalidCampaignException("(body)", "must be a JSON object");
        }
        return (ObjectNode) body;
    }

    private static void error(HttpServletResponse response, int status, String error, String field, String message)
            throws IOException {
        JsonAnswers.write(response, status, JsonAnswers.error("error", error, field, message));
    }
}
