package io.attribution.topology;

import io.attribution.avro.MultiConversionMode;
import io.attribution.topology.Scenario.AmountType;
import io.attribution.topology.Scenario.CampaignSpec;
import io.attribution.topology.Scenario.ClickArrives;
import io.attribution.topology.Scenario.ClickSpec;
import io.attribution.topology.Scenario.GoalSpec;
import io.attribution.topology.Scenario.PostbackArrives;
import io.attribution.topology.Scenario.Step;
import io.attribution.topology.Scenario.Universe;
import io.attribution.topology.Scenario.WallClock;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The attribution rules of DESIGN.md ("Semantics") restated as plainly as possible: one thread,
 * events in order, plain maps and lists, no Kafka and no production class. It answers, for each
 * postback request_id, the one outcome the topology must produce, as text:
 * <ul>
 *   <li>{@code ATTRIBUTED goal=.. status=.. payout=.. revenue=.. currency=..}: a new conversion;</li>
 *   <li>{@code UPDATED conversion=.. status=.. previous=..}: a status change of an earlier conversion;</li>
 *   <li>{@code REJECTED reason}.</li>
 * </ul>
 *
 * <p>Where DESIGN.md is silent the model follows the code, and says so ("as the code does"):
 * <ul>
 *   <li>a new postback with status rejected or cancelled is ATTRIBUTED with that status (DESIGN.md
 *       lists ATTRIBUTED as "approved or pending");</li>
 *   <li>ONE_PER_CLICK allows one conversion per click <em>and goal</em>;</li>
 *   <li>a status update is never counted against a cap, whatever the statuses;</li>
 *   <li>a conversion cancelled by a cap stays in its ledger: it still makes later postbacks
 *       duplicates, and its status still moves with updates;</li>
 *   <li>grace is judged on the wall clock against the postback's receipt time while the partition
 *       is quiet (the harness lets it stand quiet at each wall-clock step); the scenarios keep
 *       the wall clock at or behind event time, as in live operation (no catch-up after a lag);</li>
 *   <li>a txn id names one order: it matches a conversion of any goal in the ledger, and a postback
 *       with a txn id that cannot be a new conversion is rejected for that only when it updates
 *       nothing.</li>
 * </ul>
 */
final class ReferenceModel {

    private static final Set<String> STATUSES_APPROVED = Set.of("approved", "approve", "1");
    private static final Set<String> STATUSES_PENDING = Set.of("pending");
    private static final Set<String> STATUSES_REJECTED = Set.of("rejected", "reject", "declined");
    private static final Set<String> STATUSES_CANCELLED = Set.of("cancelled", "canceled", "cancel");
    /** Minor units of the currencies the scenarios use. */
    private static final Map<String, Integer> MINOR_UNITS = Map.of("USD", 2, "EUR", 2, "JPY", 0, "GBP", 2);
    private static final Map<String, ZoneId> ZONES = Map.of("UTC", ZoneOffset.UTC,
            "America/New_York", ZoneId.of("America/New_York"));

    private final Map<String, CampaignSpec> campaigns = new HashMap<>();
    private final Duration grace;

    private final Map<String, ClickSpec> clicks = new HashMap<>();
    /** Postbacks waiting for their click, in arrival order. */
    private final List<PostbackArrives> waiting = new ArrayList<>();
    /** Conversions and resends per click, and per advertiser + txn id for UNIQUE_TXN. */
    private final Map<String, Ledger> clickLedgers = new HashMap<>();
    private final Map<String, Ledger> advertiserTxnLedgers = new HashMap<>();
    /** Counted conversions per campaign, goal and day (or month). */
    private final Map<String, Integer> capCounts = new HashMap<>();
    private final Set<String> cancelledByCap = new HashSet<>();
    private final Map<String, List<String>> outcomes = new LinkedHashMap<>();

    private static final class Ledger {
        final List<Conversion> conversions = new ArrayList<>();
        final Set<String> postbacksSeen = new HashSet<>();
    }

    private static final class Conversion {
        final String id;
        final GoalSpec goal;
        final String txnId;
        String status;

        Conversion(String id, GoalSpec goal, String txnId, String status) {
            this.id = id;
            this.goal = goal;
            this.txnId = txnId;
            this.status = status;
        }
    }

    /** A rule said no. */
    private static final class Rejected extends Exception {
        final String reason;

        Rejected(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    ReferenceModel(Universe universe) {
        // A campaign the topology cannot act on (a default goal it does not have, a time zone no
        // cap can reset in) is never taken in: its clicks find no campaign.
        universe.campaigns().stream().filter(ReferenceModel::inForce)
                .forEach(campaign -> campaigns.put(campaign.id(), campaign));
        this.grace = universe.grace();
    }

    private static boolean inForce(CampaignSpec campaign) {
        return ZONES.containsKey(campaign.timeZone())
                && (campaign.defaultGoal() == null || campaign.goal(goal -> goal.id().equals(campaign.defaultGoal())).isPresent());
    }

    /** Outcomes by request_id, each a list of one (the topology's may hold more: that is a failure). */
    Map<String, List<String>> run(List<Step> timeline) {
        for (Step step : timeline) {
            if (step instanceof ClickArrives click) {
                clickArrives(click.click());
            } else if (step instanceof PostbackArrives postback) {
                postbackArrives(postback);
            } else if (step instanceof WallClock clock) {
                graceEnds(postback -> !postback.at().plus(grace).isAfter(clock.at()));
            }
        }
        // In the end the wall clock passes every grace.
        graceEnds(postback -> true);
        return outcomes;
    }

    private void clickArrives(ClickSpec click) {
        clicks.put(click.clickId(), click);
        for (Iterator<PostbackArrives> it = waiting.iterator(); it.hasNext(); ) {
            PostbackArrives postback = it.next();
            if (postback.clickId().equals(click.clickId())) {
                it.remove();
                attribute(postback, click);
            }
        }
    }

    private void graceEnds(Predicate<PostbackArrives> ended) {
        for (Iterator<PostbackArrives> it = waiting.iterator(); it.hasNext(); ) {
            PostbackArrives postback = it.next();
            if (ended.test(postback)) {
                it.remove();
                outcome(postback, "REJECTED UNKNOWN_CLICK");
            }
        }
    }

    private void postbackArrives(PostbackArrives postback) {
        if (postback.clickId().isBlank()) {
            outcome(postback, "REJECTED MISSING_CLICK_ID");
        } else if (!wellFormed(postback.params())) {
            outcome(postback, "REJECTED MALFORMED");
        } else if (clicks.containsKey(postback.clickId())) {
            attribute(postback, clicks.get(postback.clickId()));
        } else if (grace.isZero()) {
            outcome(postback, "REJECTED UNKNOWN_CLICK");
        } else {
            waiting.add(postback);
        }
    }

    /** Syntax only: what can be judged without the click and its campaign. */
    private static boolean wellFormed(Map<String, String> params) {
        for (String amount : new String[] {"sale_amount", "revenue"}) {
            String text = params.get(amount);
            if (text != null) {
                BigDecimal value;
                try {
                    value = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    return false;
                }
                if (value.signum() < 0 || value.stripTrailingZeros().scale() > 6) {
                    return false;
                }
            }
        }
        String status = params.get("status");
        if (status != null && status(status) == null) {
            return false;
        }
        String currency = params.get("currency");
        return currency == null || MINOR_UNITS.containsKey(currency.toUpperCase(Locale.ROOT));
    }

    private static String status(String sent) {
        String status = sent.toLowerCase(Locale.ROOT);
        if (STATUSES_APPROVED.contains(status)) {
            return "APPROVED";
        } else if (STATUSES_PENDING.contains(status)) {
            return "PENDING";
        } else if (STATUSES_REJECTED.contains(status)) {
            return "REJECTED";
        } else if (STATUSES_CANCELLED.contains(status)) {
            return "CANCELLED";
        }
        return null;
    }

    private void attribute(PostbackArrives postback, ClickSpec click) {
        try {
            convert(postback, click);
        } catch (Rejected rejected) {
            outcome(postback, "REJECTED " + rejected.reason);
        }
    }

    private void convert(PostbackArrives postback, ClickSpec click) throws Rejected {
        Map<String, String> params = postback.params();
        CampaignSpec campaign = campaigns.get(click.campaignId());
        if (campaign == null) {
            throw new Rejected("UNKNOWN_CAMPAIGN");
        }
        String txn = params.containsKey("txn_id") ? params.get("txn_id") : params.get("order_id");
        String status = params.containsKey("status") ? status(params.get("status")) : "APPROVED";
        // What a new conversion needs. With a txn id, a postback that fails it may still be a
        // status update (chargebacks come late, on paused campaigns, without amounts): the
        // rejection then only stands when no conversion has that txn id.
        NewConversion created = null;
        Rejected cannotBeNew = null;
        try {
            created = newConversion(postback, click, campaign, params, status);
        } catch (Rejected rejected) {
            if (txn == null) {
                throw rejected;
            }
            cannotBeNew = rejected;
        }
        GoalSpec goal = created == null ? null : created.goal();
        String description = created == null ? null : created.description();

        // Duplicates and status updates, within the click or, for UNIQUE_TXN, the advertiser's txn id.
        MultiConversionMode mode = goal != null && goal.mode() != null ? goal.mode() : campaign.mode();
        boolean perAdvertiser = mode == MultiConversionMode.UNIQUE_TXN && txn != null;
        Ledger ledger = perAdvertiser
                ? advertiserTxnLedgers.computeIfAbsent(campaign.advertiser() + "/" + txn, key -> new Ledger())
                : clickLedgers.computeIfAbsent(click.clickId(), key -> new Ledger());
        String sameRequest = click.clickId() + " " + new TreeMap<>(params);
        if (ledger.postbacksSeen.contains(sameRequest)) {
            throw new Rejected("DUPLICATE_CONVERSION");
        }
        if (txn != null) {
            Conversion earlier = null;
            for (Conversion conversion : ledger.conversions) {
                // A txn id names one order: in any goal of the ledger.
                if (txn.equals(conversion.txnId)) {
                    earlier = conversion;
                }
            }
            if (earlier != null) {
                if (earlier.status.equals(status)) {
                    throw new Rejected("DUPLICATE_TXN");
                }
                String previous = earlier.status;
                earlier.status = status;
                ledger.postbacksSeen.add(sameRequest);
                if (earlier.goal.capped() && cancelledByCap.contains(earlier.id)) {
                    throw new Rejected("CAP_REACHED");
                }
                // As the code does: an update is never counted against the cap (REJECTED -> APPROVED
                // gets through a full cap, APPROVED -> REJECTED frees nothing).
                outcome(postback, "UPDATED conversion=" + earlier.id + " status=" + status + " previous=" + previous);
                return;
            }
        }
        if (cannotBeNew != null) {
            throw cannotBeNew;
        }
        // As the code does: ONE_PER_CLICK means once per click and goal.
        boolean oncePerGoal = mode == MultiConversionMode.ONE_PER_CLICK
                || (txn == null && mode != MultiConversionMode.ALLOW);
        if (oncePerGoal && ledger.conversions.stream().anyMatch(c -> c.goal.id().equals(goal.id()))) {
            throw new Rejected("DUPLICATE_CONVERSION");
        }
        Conversion conversion = new Conversion(postback.requestId(), goal, txn, status);
        ledger.conversions.add(conversion);
        ledger.postbacksSeen.add(sameRequest);

        if (goal.capped() && (status.equals("APPROVED") || status.equals("PENDING"))) {
            ZoneId zone = ZONES.get(campaign.timeZone());
            LocalDate day = postback.at().atZone(zone).toLocalDate();
            String dayKey = campaign.id() + "/" + goal.id() + "/" + day;
            String monthKey = campaign.id() + "/" + goal.id() + "/" + day.getYear() + "-" + day.getMonthValue();
            if (goal.dailyCap() != null && capCounts.getOrDefault(dayKey, 0) >= goal.dailyCap()
                    || goal.monthlyCap() != null && capCounts.getOrDefault(monthKey, 0) >= goal.monthlyCap()) {
                cancelledByCap.add(conversion.id);
                throw new Rejected("CAP_REACHED");
            }
            capCounts.merge(dayKey, 1, Integer::sum);
            capCounts.merge(monthKey, 1, Integer::sum);
        }
        outcome(postback, description);
    }

    private record NewConversion(GoalSpec goal, String description) {
    }

    private static NewConversion newConversion(PostbackArrives postback, ClickSpec click, CampaignSpec campaign,
                                               Map<String, String> params, String status) throws Rejected {
        if (campaign.paused()) {
            throw new Rejected("CAMPAIGN_PAUSED");
        }
        if (postback.at().isAfter(click.clickedAt().plus(Duration.ofDays(campaign.windowDays())))) {
            throw new Rejected("CLICK_EXPIRED");
        }
        GoalSpec goal = goal(campaign, params.get("goal_id"), params.get("goal_value"))
                .orElseThrow(() -> new Rejected("UNKNOWN_GOAL"));
        if (goal.paused()) {
            throw new Rejected("GOAL_PAUSED");
        }
        String currency = goal.currency() != null ? goal.currency() : CampaignSpec.CURRENCY;
        if (params.containsKey("currency") && !params.get("currency").toUpperCase(Locale.ROOT).equals(currency)) {
            throw new Rejected("MALFORMED");
        }
        BigDecimal sale = params.containsKey("sale_amount") ? new BigDecimal(params.get("sale_amount")) : null;
        BigDecimal revenue = goal.dynamicRevenue() && params.containsKey("revenue")
                ? minorUnits(new BigDecimal(params.get("revenue")), currency)
                : earning(goal.revenueType(), goal.revenue(), sale, currency);
        BigDecimal payout = earning(goal.payoutType(), goal.payout(), sale, currency);
        return new NewConversion(goal, "ATTRIBUTED goal=" + goal.id() + " status=" + status + " payout="
                + plain(payout) + " revenue=" + plain(revenue) + " currency=" + currency);
    }

    private static Optional<GoalSpec> goal(CampaignSpec campaign, String goalId, String goalValue) {
        if (goalId != null) {
            return campaign.goal(goal -> goal.id().equals(goalId));
        }
        if (goalValue != null) {
            return campaign.goal(goal -> goal.value().equalsIgnoreCase(goalValue));
        }
        if (campaign.defaultGoal() != null) {
            return campaign.goal(goal -> goal.id().equals(campaign.defaultGoal()));
        }
        return Optional.empty();
    }

    private static BigDecimal earning(AmountType type, BigDecimal configured, BigDecimal sale, String currency)
            throws Rejected {
        if (type == AmountType.FIXED) {
            return minorUnits(configured, currency);
        }
        if (sale == null) {
            throw new Rejected("MALFORMED");
        }
        // configured percent of sale: shift the product two places, then round.
        return minorUnits(sale.multiply(configured).movePointLeft(2), currency);
    }

    private static BigDecimal minorUnits(BigDecimal amount, String currency) {
        return amount.setScale(MINOR_UNITS.get(currency), RoundingMode.HALF_UP);
    }

    static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private void outcome(PostbackArrives postback, String outcome) {
        outcomes.computeIfAbsent(postback.requestId(), id -> new ArrayList<>()).add(outcome);
    }
}
