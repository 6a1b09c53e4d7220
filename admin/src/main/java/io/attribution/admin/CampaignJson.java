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
import io.attribution.campaigns.IpAllowList;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Campaigns as JSON (the admin API, campaign files): the Avro field names, plain values, money as
 * decimal strings or numbers. Reading validates everything an attribution rule relies on, and
 * names the field at fault; writing never shows a secret.
 */
public final class CampaignJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final String HIDDEN = "***";
    private static final Set<String> CAMPAIGN_FIELDS = Set.of("campaign_id", "advertiser_id", "name", "status",
            "attribution_window_days", "currency", "time_zone", "security_token", "signing_secret", "allowed_ips",
            "default_goal_id", "multi_conversion", "goals");
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
        Set<String> goalIds = new HashSet<>();
        for (int i = 0; i < goalsNode.size(); i++) {
            Goal goal = readGoal(goalsNode.get(i), "goals[" + i + "].");
            if (!goalIds.add(goal.getGoalId())) {
                throw new InvalidCampaignException("goals[" + i + "].goal_id", "duplicate goal id " + goal.getGoalId());
            }
            goals.add(goal);
        }
        String defaultGoal = optionalText(json, "default_goal_id", "");
        if (defaultGoal != null && !goalIds.contains(defaultGoal)) {
            throw new InvalidCampaignException("default_goal_id", "'" + defaultGoal + "' is not one of the goals");
        }
        List<String> allowedIps = strings(json, "allowed_ips");
        try {
            IpAllowList.of(allowedIps);
        } catch (IllegalArgumentException e) {
            throw new InvalidCampaignException("allowed_ips", e.getMessage());
        }
        int window = json.path("attribution_window_days").asInt(30);
        if (!json.path("attribution_window_days").isMissingNode()
                && (!json.get("attribution_window_days").canConvertToInt() || window < 1 || window > 365)) {
            throw new InvalidCampaignException("attribution_window_days", "must be a whole number of days, 1 to 365");
        }
        return Campaign.newBuilder()
                .setCampaignId(id(json, "campaign_id", ""))
                .setAdvertiserId(id(json, "advertiser_id", ""))
                .setName(json.path("name").asText(""))
                .setStatus(enumValue(json, "status", "", ActivityStatus.class, ActivityStatus.ACTIVE))
                .setAttributionWindowDays(window)
                .setCurrency(currency(json, "currency", "", "USD"))
                .setTimeZone(zone(json))
                .setSecurityToken(optionalText(json, "security_token", ""))
                .setSigningSecret(optionalText(json, "signing_secret", ""))
                .setAllowedIps(allowedIps)
                .setDefaultGoalId(defaultGoal)
                .setMultiConversion(enumValue(json, "multi_conversion", "", MultiConversionMode.class,
                        MultiConversionMode.ALLOW_UNIQUE_TXN))
                .setGoals(goals)
                .build();
    }

    public static Goal readGoal(JsonNode json, String path) {
        if (json == null || !json.isObject()) {
            throw new InvalidCampaignException(path.isEmpty() ? "(goal)" : path.substring(0, path.length() - 1),
                    "must be a JSON object");
        }
        rejectUnknown(json, GOAL_FIELDS, path);
        PayoutType payoutType = enumValue(json, "payout_type", path, PayoutType.class, PayoutType.FIXED);
        PayoutType revenueType = enumValue(json, "revenue_type", path, PayoutType.class, PayoutType.FIXED);
        return Goal.newBuilder()
                .setGoalId(id(json, "goal_id", path))
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

    private static String id(JsonNode json, String field, String path) {
        String id = required(json, field, path);
        if (!ID.matcher(id).matches()) {
            throw new InvalidCampaignException(path + field, "must be 1-128 letters, digits or . _ : -");
        }
        return id;
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
        if (amount.signum() < 0 || amount.stripTrailingZeros().scale() > 6 || amount.precision() - amount.scale() > 12) {
            throw new InvalidCampaignException(path + field, "must be >= 0 with at most 12 digits and 6 decimals");
        }
        if (type == PayoutType.PERCENT && amount.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new InvalidCampaignException(path + field, "a percentage must be at most 100");
        }
        return amount;
    }

    private static String currency(JsonNode json, String field, String path, String fallback) {
        String code = optionalText(json, field, path);
        if (code == null) {
            return fallback;
        }
        try {
            return Currency.getInstance(code.toUpperCase(Locale.ROOT)).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw new InvalidCampaignException(path + field, "'" + code + "' is not an ISO 4217 currency");
        }
    }

    private static String zone(JsonNode json) {
        String zone = optionalText(json, "time_zone", "");
        if (zone == null) {
            return "UTC";
        }
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            throw new InvalidCampaignException("time_zone", "'" + zone + "' is not an IANA time zone");
        }
    }

    private static Integer cap(JsonNode json, String field, String path) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw new InvalidCampaignException(path + field, "must be a whole number >= 1, or null");
        }
        return value.asInt();
    }
}
