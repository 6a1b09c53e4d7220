package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import io.attribution.campaigns.CampaignRules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Campaigns as JSON (the admin API, campaign files): the Avro field names, plain values, money as
 * decimal strings or numbers. Reading checks the JSON's shape here and the campaign's values with
 * {@link CampaignRules} (the rules every reader of the topic applies too), and names the field at
 * fault; writing never shows a secret.
 */
public final class CampaignJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HIDDEN = "***";
    private static final Set<String> CAMPAIGN_FIELDS = Set.of("campaign_id", "advertiser_id", "name", "status",
            "attribution_window_days", "currency", "time_zone", "security_token", "signing_secret", "allowed_ips",
            "default_goal_id", "multi_conversion", "goals", "landing_url", "affiliate_landing_urls");
    private static final Set<String> GOAL_FIELDS = Set.of("goal_id", "value", "status", "payout_type", "payout",
            "revenue_type", "revenue", "dynamic_revenue", "currency", "daily_cap", "monthly_cap", "multi_conversion");

    private CampaignJson() {
    }

    public static Campaign read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new InvalidCampaignException("(campaign)", "must be a JSON object");
        }
        rejectUnknown(json, CAMPAIGN_FIELDS, "");
        List<Goal> goals = new ArrayList<>();
        JsonNode goalsNode = json.path("goals");
        if (!goalsNode.isMissingNode() && !goalsNode.isArray()) {
            throw new InvalidCampaignException("goals", "must be an array");
        }
        for (int i = 0; i < goalsNode.size(); i++) {
            goals.add(readGoal(goalsNode.get(i), "goals[" + i + "]."));
        }
        JsonNode window = json.path("attribution_window_days");
        if (!window.isMissingNode() && !window.canConvertToInt()) {
            throw new InvalidCampaignException("attribution_window_days", "must be a whole number of days, 1 to 365");
        }
        Campaign campaign = Campaign.newBuilder()
                .setCampaignId(required(json, "campaign_id", ""))
                .setAdvertiserId(required(json, "advertiser_id", ""))
                .setName(json.path("name").asText(""))
                .setStatus(enumValue(json, "status", "", ActivityStatus.class, ActivityStatus.ACTIVE))
                .setAttributionWindowDays(window.asInt(30))
                .setCurrency(currency(json, "currency", "", "USD"))
                .setTimeZone(Optional.ofNullable(optionalText(json, "time_zone", "")).orElse("UTC"))
                .setSecurityToken(optionalText(json, "security_token", ""))
                .setSigningSecret(optionalText(json, "signing_secret", ""))
                .setAllowedIps(strings(json, "allowed_ips"))
                .setDefaultGoalId(optionalText(json, "default_goal_id", ""))
                .setMultiConversion(enumValue(json, "multi_conversion", "", MultiConversionMode.class,
                        MultiConversionMode.ALLOW_UNIQUE_TXN))
                .setGoals(goals)
                .setLandingUrl(optionalText(json, "landing_url", ""))
                .setAffiliateLandingUrls(textMap(json, "affiliate_landing_urls"))
                .build();
        CampaignRules.violation(campaign).ifPresent(CampaignJson::refuse);
        return campaign;
    }

    public static Goal readGoal(JsonNode json, String path) {
        if (json == null || !json.isObject()) {
            throw new InvalidCampaignException(path.isEmpty() ? "(goal)" : path.substring(0, path.length() - 1),
                    "must be a JSON object");
        }
        rejectUnknown(json, GOAL_FIELDS, path);
        PayoutType payoutType = enumValue(json, "payout_type", path, PayoutType.class, PayoutType.FIXED);
        PayoutType revenueType = enumValue(json, "revenue_type", path, PayoutType.class, PayoutType.FIXED);
        Goal goal = Goal.newBuilder()
                .setGoalId(required(json, "goal_id", path))
                .setValue(required(json, "value", path))
                .setStatus(enumValue(json, "status", path, ActivityStatus.class, ActivityStatus.ACTIVE))
                .setPayoutType(payoutType)
                .setPayout(amount(json, "payout", path, payoutType))
                .setRevenueType(revenueType)
                .setRevenue(amount(json, "revenue", path, revenueType))
                .setDynamicRevenue(json.path("dynamic_revenue").asBoolean(false))
                .setCurrency(currency(json, "currency", path, null))
                .setDailyCap(cap(json, "daily_cap", path))
                .setMonthlyCap(cap(json, "monthly_cap", path))
                .setMultiConversion(enumValue(json, "multi_conversion", path, MultiConversionMode.class, null))
                .build();
        CampaignRules.violation(goal, path).ifPresent(CampaignJson::refuse);
        return goal;
    }

    private static void refuse(CampaignRules.Violation violation) {
        throw new InvalidCampaignException(violation.field(), violation.message());
    }

    public static ObjectNode write(Campaign campaign) {
        ObjectNode json = JSON.createObjectNode();
        json.put("campaign_id", campaign.getCampaignId());
        json.put("advertiser_id", campaign.getAdvertiserId());
        json.put("name", campaign.getName());
        json.put("status", campaign.getStatus().name());
        json.put("attribution_window_days", campaign.getAttributionWindowDays());
        json.put("currency", campaign.getCurrency());
        json.put("time_zone", campaign.getTimeZone());
        json.put("security_token", campaign.getSecurityToken() == null ? null : HIDDEN);
        json.put("signing_secret", campaign.getSigningSecret() == null ? null : HIDDEN);
        ArrayNode ips = json.putArray("allowed_ips");
        campaign.getAllowedIps().forEach(ips::add);
        json.put("default_goal_id", campaign.getDefaultGoalId());
        json.put("multi_conversion", campaign.getMultiConversion().name());
        ArrayNode goals = json.putArray("goals");
        for (Goal goal : campaign.getGoals()) {
            ObjectNode g = goals.addObject();
            g.put("goal_id", goal.getGoalId());
            g.put("value", goal.getValue());
            g.put("status", goal.getStatus().name());
            g.put("payout_type", goal.getPayoutType().name());
            g.put("payout", goal.getPayout().stripTrailingZeros().toPlainString());
            g.put("revenue_type", goal.getRevenueType().name());
            g.put("revenue", goal.getRevenue().stripTrailingZeros().toPlainString());
            g.put("dynamic_revenue", goal.getDynamicRevenue());
            g.put("currency", goal.getCurrency());
            g.put("daily_cap", goal.getDailyCap());
            g.put("monthly_cap", goal.getMonthlyCap());
            g.put("multi_conversion", goal.getMultiConversion() == null ? null : goal.getMultiConversion().name());
        }
        json.put("landing_url", campaign.getLandingUrl());
        ObjectNode overrides = json.putObject("affiliate_landing_urls");
        campaign.getAffiliateLandingUrls().forEach(overrides::put);
        return json;
    }

    private static void rejectUnknown(JsonNode json, Set<String> known, String path) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidCampaignException(path + name, "unknown field; known fields are " + known);
            }
        }
    }

    private static String required(JsonNode json, String field, String path) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull() || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidCampaignException(path + field, "is required and must be a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode json, String field, String path) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidCampaignException(path + field, "must be a non-empty string or null");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidCampaignException(field, "must be an array of strings");
        }
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        return items;
    }

    /** An object of texts, e.g. {@code {"aff-7": "https://..."}}; absent or null is empty. */
    private static Map<String, String> textMap(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidCampaignException(field, "must be an object of affiliate_id to URL");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidCampaignException(field + "." + entry.getKey(), "must be a URL string");
            }
            texts.put(entry.getKey(), entry.getValue().asText());
        }
        return texts;
    }

    private static <E extends Enum<E>> E enumValue(JsonNode json, String field, String path, Class<E> type,
                                                   E fallback) {
        String text = optionalText(json, field, path);
        if (text == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidCampaignException(path + field, "'" + text + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    /** Checked as soon as read: the first field at fault is the one named, in the order of the fields. */
    private static BigDecimal amount(JsonNode json, String field, String path, PayoutType type) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidCampaignException(path + field, "is required");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            throw new InvalidCampaignException(path + field, "'" + value.asText() + "' is not a decimal number");
        }
        CampaignRules.amount(amount, type, path + field).ifPresent(CampaignJson::refuse);
        return amount;
    }

    private static String currency(JsonNode json, String field, String path, String fallback) {
        String code = optionalText(json, field, path);
        return code == null ? fallback : code.toUpperCase(Locale.ROOT);
    }

    private static Integer cap(JsonNode json, String field, String path) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidCampaignException(path + field, "must be a whole number >= 1, or null");
        }
        return value.asInt();
    }
}
