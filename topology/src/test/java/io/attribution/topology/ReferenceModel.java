package io.attribution.topology;

import io.attribution.avro.MultiConversionMode;
import io.attribution.topology.Scenario.AmountType;
import io.attribution.topology.Scenario.CampaignChanges;
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
import java.time.YearMonth;
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
 * The rules of the README ("How a postback is decided", "Bounds") and DESIGN.md ("Semantics")
 * restated as plainly as possible: one thread, events in order, plain maps and lists, no Kafka and
 * no production class. Where this class and those texts disagree, one of them is wrong: fix the
 * text or the model, never "as the code does". It answers, for each postback request_id, the one
 * outcome the topology must produce, as text:
 * <ul>
 *   <li>{@code ATTRIBUTED goal=.. status=.. payout=.. revenue=.. currency=.. [reason=CAP_REACHED]}:
 *       a new conversion (over a cap: CANCELLED, with the reason);</li>
 *   <li>{@code UPDATED conversion=.. status=.. previous=..}: a status change of an earlier conversion;</li>
 *   <li>{@code REJECTED reason}.</li>
 * </ul>
 * It also names the paths the rules took ({@link #paths()}), so the generators can be checked to
 * reach the interesting ones.
 *
 * <p>What the texts leave to the model: grace is judged on the wall clock against the postback's
 * receipt time while the partition is quiet (the harness lets it stand quiet at each wall-clock
 * step), and the scenarios keep the wall clock at or behind event time, as in live operation.
 * The byte bounds are never reached by the scenarios' small postbacks, so only the counts are kept.
 */
final class ReferenceModel {

    private static final Set<String> STATUSES_APPROVED = Set.of("approved", "approve", "1");
    private static final Set<String> STATUSES_PENDING = Set.of("pending");
    private static final Set<String> STATUSES_REJECTED = Set.of("rejected", "reject", "declined");
    private static final Set<String> STATUSES_CANCELLED = Set.of("cancelled", "canceled", "cancel");
    /** Minor units of the currencies the scenarios use. */
    private static final Map<String, Integer> MINOR_UNITS = Map.of("USD", 2, "EUR", 2, "JPY", 0, "GBP", 2);
    /** "Postbacks one ledger remembers: 10 per conversion it may hold." */
    private static final int POSTBACKS_PER_CONVERSION = 10;
    private static final Map<String, ZoneId> ZONES = Map.of("UTC", ZoneOffset.UTC,
            "America/New_York", ZoneId.of("America/New_York"));

    /** Campaigns as they are now: a change applies to every later postback. */
    private final Map<String, CampaignSpec> campaigns = new HashMap<>();
    private final Duration grace;
    private final int conversionsPerClick;

    private final Map<String, ClickSpec> clicks = new HashMap<>();
    /** Postbacks waiting for their click, in arrival order. */
    private final List<PostbackArrives> waiting = new ArrayList<>();
    /** Postbacks taken (a conversion or a status update), as click and parameters: a resend of one is a duplicate. */
    private final Set<String> taken = new HashSet<>();
    private final Map<String, OfClick> ofClicks = new HashMap<>();
    /** By advertiser and txn id: the orders of UNIQUE_TXN, which belong to no click. */
    private final Map<String, OfAdvertiser> ofAdvertisers = new HashMap<>();
    /** Slots held per campaign, goal and day (or month), in the campaign's zone. */
    private final Map<String, Integer> slots = new HashMap<>();
    private final Map<String, List<String>> outcomes = new LinkedHashMap<>();
    private final List<String> paths = new ArrayList<>();

    /** Whatever remembers postbacks: a click, or an advertiser's txn id. */
    private abstract static class Keeper {
        int postbacks;
    }

    /** A click's own conversions (their txn ids are the click's), and the txn ids it sent that are its advertiser's. */
    private static final class OfClick extends Keeper {
        final List<Conversion> own = new ArrayList<>();
        final List<String> advertisersTxns = new ArrayList<>();
    }

    private static final class OfAdvertiser extends Keeper {
        Conversion order;
    }

    private static final class Conversion {
        final String id;
        final String clickId;
        final String campaignId;
        final String goalId;
        final String txnId;
        /** What the advertiser last asked for. */
        String requested;
        /** What the conversion has, as emitted: the caps may have cancelled it. */
        String status;
        /** The caps decided it once (its goal had a cap): they decide its updates from then on. */
        boolean decidedByCaps;
        /** The day and month counters it holds a slot in; empty when none. */
        List<String> slot = List.of();

        Conversion(String id, String clickId, String campaignId, String goalId, String txnId, String status) {
            this.id = id;
            this.clickId = clickId;
            this.campaignId = campaignId;
            this.goalId = goalId;
            this.txnId = txnId;
            this.requested = status;
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
        this.conversionsPerClick = universe.conversionsPerKey();
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
            } else if (step instanceof CampaignChanges change && inForce(change.campaign())) {
                // A change the topology cannot act on is dead-lettered: the previous version stays.
                campaigns.put(change.campaign().id(), change.campaign());
            } else if (step instanceof WallClock clock) {
                graceEnds(postback -> !postback.at().plus(grace).isAfter(clock.at()));
            }
        }
        // In the end the wall clock passes every grace.
        graceEnds(postback -> true);
        return outcomes;
    }

    /** The paths the rules took, one entry each time (for the generators' coverage). */
    List<String> paths() {
        return paths;
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

    // ---------------------------------------------------------------- 1. readable, 2. its click

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
            decide(new Postback(postback, click));
        } catch (Rejected rejected) {
            outcome(postback, "REJECTED " + rejected.reason);
        }
    }

    /** A postback with its click, and what the rules read from it. */
    private final class Postback {
        final PostbackArrives arrives;
        final ClickSpec click;
        final String txn;
        final String status;
        final String resend;

        Postback(PostbackArrives arrives, ClickSpec click) {
            Map<String, String> params = arrives.params();
            this.arrives = arrives;
            this.click = click;
            this.txn = params.containsKey("txn_id") ? params.get("txn_id") : params.get("order_id");
            this.status = params.containsKey("status") ? status(params.get("status")) : "APPROVED";
            this.resend = click.clickId() + " " + new TreeMap<>(params);
        }

        boolean namesAGoal() {
            return arrives.params().containsKey("goal_id") || arrives.params().containsKey("goal_value");
        }
    }

    // ---------------------------------------------------------------- 3. to 7.

    private void decide(Postback postback) throws Rejected {
        CampaignSpec campaign = campaigns.get(postback.click.campaignId());
        if (campaign == null) {
            throw new Rejected("UNKNOWN_CAMPAIGN");
        }
        // 4. Could it be a new conversion? Without a txn id the answer is final.
        NewConversion created = null;
        Rejected cannotBeNew = null;
        try {
            created = newConversion(postback, campaign);
        } catch (Rejected rejected) {
            if (postback.txn == null) {
                throw rejected;
            }
            cannotBeNew = rejected;
        }
        // 5. A resend of a postback taken.
        if (taken.contains(postback.resend)) {
            throw new Rejected("DUPLICATE_CONVERSION");
        }
        OfClick ofClick = ofClicks.computeIfAbsent(postback.click.clickId(), id -> new OfClick());
        // 6. Where the txn id lives: the click's own conversions, else its advertiser's.
        if (postback.txn != null) {
            Optional<Conversion> own = ofClick.own.stream().filter(c -> postback.txn.equals(c.txnId))
                    .reduce((first, later) -> later);
            if (own.isPresent()) {
                update(postback, own.get(), ofClick);
                return;
            }
            Optional<String> sentBefore = ofClick.advertisersTxns.stream()
                    .filter(key -> key.substring(key.lastIndexOf('/') + 1).equals(postback.txn)).findFirst();
            if (sentBefore.isPresent()) {
                path("the click's txn id is its advertiser's");
                ofAdvertiser(postback, sentBefore.get(), created, cannotBeNew);
                return;
            }
            String key = campaign.advertiser() + "/" + postback.txn;
            if (created != null && created.mode() == MultiConversionMode.UNIQUE_TXN) {
                if (ofClick.own.size() + ofClick.advertisersTxns.size() >= conversionsPerClick) {
                    throw limitExceeded();
                }
                ofClick.advertisersTxns.add(key);
                ofAdvertiser(postback, key, created, cannotBeNew);
                return;
            }
            boolean advertiserWide = campaign.mode() == MultiConversionMode.UNIQUE_TXN
                    || campaign.goals().stream().anyMatch(goal -> goal.mode() == MultiConversionMode.UNIQUE_TXN);
            if (cannotBeNew != null && advertiserWide) {
                ofAdvertiser(postback, key, null, cannotBeNew);
                return;
            }
        }
        if (cannotBeNew != null) {
            throw cannotBeNew;
        }
        // 7. The mode of the goal (else the campaign's), among the click's own conversions.
        MultiConversionMode mode = created.mode();
        boolean oncePerGoal = mode == MultiConversionMode.ONE_PER_CLICK
                || (postback.txn == null && mode != MultiConversionMode.ALLOW);
        String goalId = created.goal().id();
        if (oncePerGoal && ofClick.own.stream().anyMatch(c -> c.goalId.equals(goalId))) {
            throw new Rejected("DUPLICATE_CONVERSION");
        }
        if (ofClick.postbacks >= conversionsPerClick * POSTBACKS_PER_CONVERSION
                || ofClick.own.size() + ofClick.advertisersTxns.size() >= conversionsPerClick) {
            throw limitExceeded();
        }
        ofClick.own.add(create(postback, campaign, created, ofClick));
    }

    /** An order of the advertiser: one conversion per txn id, whatever click it came from. */
    private void ofAdvertiser(Postback postback, String key, NewConversion created, Rejected cannotBeNew)
            throws Rejected {
        OfAdvertiser ofAdvertiser = ofAdvertisers.computeIfAbsent(key, k -> new OfAdvertiser());
        if (ofAdvertiser.order != null) {
            update(postback, ofAdvertiser.order, ofAdvertiser);
            return;
        }
        if (cannotBeNew != null) {
            throw cannotBeNew;
        }
        if (ofAdvertiser.postbacks >= conversionsPerClick * POSTBACKS_PER_CONVERSION) {
            throw limitExceeded();
        }
        ofAdvertiser.order = create(postback, campaigns.get(postback.click.campaignId()), created, ofAdvertiser);
    }

    private Rejected limitExceeded() {
        path("LIMIT_EXCEEDED");
        return new Rejected("LIMIT_EXCEEDED");
    }

    private Conversion create(Postback postback, CampaignSpec campaign, NewConversion created, Keeper keeper) {
        Conversion conversion = new Conversion(postback.arrives.requestId(), postback.click.clickId(),
                campaign.id(), created.goal().id(), postback.txn, postback.status);
        take(postback, keeper);
        String overCap = "";
        GoalSpec goal = created.goal();
        if (goal.capped()) {
            conversion.decidedByCaps = true;
            if (holdsSlot(postback.status)) {
                if (capFull(campaign, goal, postback.arrives.at())) {
                    conversion.status = "CANCELLED";
                    overCap = " reason=CAP_REACHED";
                    path("a new conversion over a cap");
                } else {
                    conversion.slot = takeSlot(campaign, goal, postback.arrives.at());
                }
            }
        }
        outcome(postback.arrives, "ATTRIBUTED goal=" + goal.id() + " status=" + conversion.status
                + created.money() + overCap);
        return conversion;
    }

    /** 6. The same txn id with a new status: a status update of the conversion, wherever it lives. */
    private void update(Postback postback, Conversion conversion, Keeper keeper) throws Rejected {
        CampaignSpec campaign = campaigns.get(conversion.campaignId);
        Optional<GoalSpec> goalNow = Optional.ofNullable(campaign).flatMap(c -> c.goal(g -> g.id().equals(conversion.goalId)));
        boolean cappedNow = goalNow.map(GoalSpec::capped).orElse(false);
        boolean byCaps = conversion.decidedByCaps || cappedNow;
        if (!byCaps && conversion.requested.equals(postback.status)) {
            throw new Rejected("DUPLICATE_TXN");
        }
        if (keeper.postbacks >= conversionsPerClick * POSTBACKS_PER_CONVERSION) {
            throw limitExceeded();
        }
        take(postback, keeper);
        conversion.requested = postback.status;
        notePaths(postback, conversion);
        String previous = conversion.status;
        if (byCaps) {
            conversion.decidedByCaps = true;
            // Judged against the status the conversion has, which a cap may have set.
            if (postback.status.equals(previous)) {
                throw new Rejected("DUPLICATE_TXN");
            }
            if (holdsSlot(postback.status) && !holdsSlot(previous) && cappedNow) {
                if (capFull(campaign, goalNow.get(), postback.arrives.at())) {
                    path("an update refused by a full cap");
                    throw new Rejected("CAP_REACHED");
                }
                conversion.slot = takeSlot(campaign, goalNow.get(), postback.arrives.at());
                path("an update took a slot");
            } else if (!holdsSlot(postback.status) && holdsSlot(previous)) {
                conversion.slot.forEach(counter -> slots.computeIfPresent(counter, (k, n) -> Math.max(0, n - 1)));
                if (!conversion.slot.isEmpty()) {
                    path("an update gave a slot back");
                }
                conversion.slot = List.of();
            }
        }
        conversion.status = postback.status;
        outcome(postback.arrives, "UPDATED conversion=" + conversion.id + " status=" + postback.status
                + " previous=" + previous);
    }

    private void notePaths(Postback postback, Conversion conversion) {
        if (!postback.namesAGoal()) {
            path("an update without goal");
        }
        if (!conversion.clickId.equals(postback.click.clickId())) {
            path("an update from another click");
        }
        CampaignSpec campaign = campaigns.get(postback.click.campaignId());
        if (campaign.paused()) {
            path("an update on a paused campaign");
        }
    }

    private void take(Postback postback, Keeper keeper) {
        taken.add(postback.resend);
        keeper.postbacks++;
    }

    // ---------------------------------------------------------------- caps

    private static boolean holdsSlot(String status) {
        return status.equals("APPROVED") || status.equals("PENDING");
    }

    private boolean capFull(CampaignSpec campaign, GoalSpec goal, Instant at) {
        List<String> counters = counters(campaign, goal, at);
        return goal.dailyCap() != null && slots.getOrDefault(counters.get(0), 0) >= goal.dailyCap()
                || goal.monthlyCap() != null && slots.getOrDefault(counters.get(1), 0) >= goal.monthlyCap();
    }

    private List<String> takeSlot(CampaignSpec campaign, GoalSpec goal, Instant at) {
        List<String> counters = counters(campaign, goal, at);
        counters.forEach(counter -> slots.merge(counter, 1, Integer::sum));
        return counters;
    }

    /** The day and the month, in the campaign's zone, that hold {@code at}. */
    private static List<String> counters(CampaignSpec campaign, GoalSpec goal, Instant at) {
        LocalDate day = at.atZone(ZONES.get(campaign.timeZone())).toLocalDate();
        String prefix = campaign.id() + "/" + goal.id() + "/";
        return List.of(prefix + day, prefix + YearMonth.from(day));
    }

    // ---------------------------------------------------------------- 4. a new conversion

    /** @param money " payout=.. revenue=.. currency=.." */
    private record NewConversion(GoalSpec goal, MultiConversionMode mode, String money) {
    }

    private static NewConversion newConversion(Postback postback, CampaignSpec campaign) throws Rejected {
        Map<String, String> params = postback.arrives.params();
        if (campaign.paused()) {
            throw new Rejected("CAMPAIGN_PAUSED");
        }
        if (postback.arrives.at().isAfter(postback.click.clickedAt().plus(Duration.ofDays(campaign.windowDays())))) {
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
        MultiConversionMode mode = goal.mode() != null ? goal.mode() : campaign.mode();
        return new NewConversion(goal, mode, " payout=" + plain(payout) + " revenue=" + plain(revenue)
                + " currency=" + currency);
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

    private void path(String path) {
        paths.add(path);
    }

    private void outcome(PostbackArrives postback, String outcome) {
        outcomes.computeIfAbsent(postback.requestId(), id -> new ArrayList<>()).add(outcome);
    }
}
