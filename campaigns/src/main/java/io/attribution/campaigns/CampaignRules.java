package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a campaign must satisfy before any process acts on it: the admin API and campaign files
 * refuse to write a campaign that breaks a rule, and every reader of the campaigns topic (the
 * topology, the ingest and admin catalogs) refuses to take in one that another writer put there.
 * The attribution rules rely on these: a default goal that exists, a time zone caps can reset in,
 * an allow-list that parses, amounts that are money.
 */
public final class CampaignRules {

    /** What a rule found wrong: the field at fault (e.g. {@code goals[1].payout}) and why. */
    public record Violation(String field, String message) {
    }

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private CampaignRules() {
    }

    /** The first rule the campaign breaks, if any. */
    public static Optional<Violation> violation(Campaign campaign) {
        return first(
                id(campaign.getCampaignId(), "campaign_id"),
                id(campaign.getAdvertiserId(), "advertiser_id"),
                window(campaign.getAttributionWindowDays()),
                currency(campaign.getCurrency(), "currency"),
                zone(campaign.getTimeZone()),
                allowList(campaign.getAllowedIps()),
                goals(campaign.getGoals()),
                defaultGoal(campaign),
                landingUrls(campaign));
    }

    /**
     * The first rule the goal breaks, if any.
     *
     * @param path prefix of the fields named, e.g. {@code goals[1].}, or empty
     */
    public static Optional<Violation> violation(Goal goal, String path) {
        return first(
                id(goal.getGoalId(), path + "goal_id"),
                goal.getValue() == null || goal.getValue().isBlank()
                        ? Optional.of(new Violation(path + "value", "is required and must be a non-empty string"))
                        : Optional.empty(),
                amount(goal.getPayout(), goal.getPayoutType(), path + "payout"),
                amount(goal.getRevenue(), goal.getRevenueType(), path + "revenue"),
                goal.getCurrency() == null ? Optional.empty() : currency(goal.getCurrency(), path + "currency"),
                cap(goal.getDailyCap(), path + "daily_cap"),
                cap(goal.getMonthlyCap(), path + "monthly_cap"));
    }

    @SafeVarargs
    private static Optional<Violation> first(Optional<Violation>... checks) {
        for (Optional<Violation> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> id(String id, String field) {
        return id != null && ID.matcher(id).matches() ? Optional.empty()
                : Optional.of(new Violation(field, "must be 1-128 letters, digits or . _ : -"));
    }

    private static Optional<Violation> window(int days) {
        return days >= 1 && days <= 365 ? Optional.empty()
                : Optional.of(new Violation("attribution_window_days", "must be a whole number of days, 1 to 365"));
    }

    private static Optional<Violation> currency(String code, String field) {
        try {
            if (code != null && Currency.getInstance(code).getCurrencyCode().equals(code)) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException notACurrency) {
            // named below
        }
        return Optional.of(new Violation(field, "'" + code + "' is not an ISO 4217 currency"));
    }

    private static Optional<Violation> zone(String zone) {
        try {
            ZoneId.of(zone);
            return Optional.empty();
        } catch (DateTimeException | NullPointerException e) {
            return Optional.of(new Violation("time_zone", "'" + zone + "' is not an IANA time zone"));
        }
    }

    private static Optional<Violation> allowList(List<String> entries) {
        try {
            IpAllowList.of(entries);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new Violation("allowed_ips", e.getMessage()));
        }
    }

    private static Optional<Violation> goals(List<Goal> goals) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < goals.size(); i++) {
            String path = "goals[" + i + "].";
            Optional<Violation> broken = violation(goals.get(i), path);
            if (broken.isPresent()) {
                return broken;
            }
            if (!ids.add(goals.get(i).getGoalId())) {
                return Optional.of(new Violation(path + "goal_id", "duplicate goal id " + goals.get(i).getGoalId()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> defaultGoal(Campaign campaign) {
        String defaultGoal = campaign.getDefaultGoalId();
        if (defaultGoal == null || campaign.getGoals().stream().anyMatch(g -> g.getGoalId().equals(defaultGoal))) {
            return Optional.empty();
        }
        return Optional.of(new Violation("default_goal_id", "'" + defaultGoal + "' is not one of the goals"));
    }

    private static Optional<Violation> landingUrls(Campaign campaign) {
        if (campaign.getLandingUrl() != null) {
            Optional<String> problem = LandingUrl.problem(campaign.getLandingUrl());
            if (problem.isPresent()) {
                return Optional.of(new Violation("landing_url", problem.get()));
            }
        }
        for (Map.Entry<String, String> override : campaign.getAffiliateLandingUrls().entrySet()) {
            String field = "affiliate_landing_urls." + override.getKey();
            if (override.getKey().isBlank()) {
                return Optional.of(new Violation("affiliate_landing_urls", "an affiliate_id must not be empty"));
            }
            Optional<String> problem = LandingUrl.problem(override.getValue());
            if (problem.isPresent()) {
                return Optional.of(new Violation(field, problem.get()));
            }
        }
        return Optional.empty();
    }

    /** The rule an amount (payout, revenue) breaks, if any: money, or a percentage of at most 100. */
    public static Optional<Violation> amount(BigDecimal amount, PayoutType type, String field) {
        if (amount == null) {
            return Optional.of(new Violation(field, "is required"));
        }
        if (amount.signum() < 0 || amount.stripTrailingZeros().scale() > 6 || amount.precision() - amount.scale() > 12) {
            return Optional.of(new Violation(field, "must be >= 0 with at most 12 digits and 6 decimals"));
        }
        if (type == PayoutType.PERCENT && amount.compareTo(HUNDRED) > 0) {
            return Optional.of(new Violation(field, "a percentage must be at most 100"));
        }
        return Optional.empty();
    }

    private static Optional<Violation> cap(Integer cap, String field) {
        return cap == null || cap >= 1 ? Optional.empty()
                : Optional.of(new Violation(field, "must be a whole number >= 1, or null"));
    }
}
