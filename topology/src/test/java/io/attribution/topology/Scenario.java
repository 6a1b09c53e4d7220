package io.attribution.topology;

import io.attribution.avro.MultiConversionMode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The test's own description of a world (campaigns, clicks, grace, bounds) and of what happens in
 * it, in plain records: {@link AttributionPropertyTest} turns it into Avro records for the
 * topology, and {@link ReferenceModel} reads it directly.
 */
final class Scenario {

    /**
     * Where a world's events may start: each is 23:30 in New York, so caps there see a midnight.
     * An ordinary day; the last day of a month (the month turns in New York 30 minutes later, and
     * turned in UTC hours before); the 25-hour day (November 1st, 2026, ends at 05:00 UTC); the
     * 23-hour day (March 8th, 2026, ends at 04:00 UTC).
     */
    static final List<Instant> STARTS = List.of(Instant.parse("2026-11-25T04:30:00Z"),
            Instant.parse("2026-12-01T04:30:00Z"), Instant.parse("2026-11-02T04:30:00Z"),
            Instant.parse("2026-03-09T03:30:00Z"));

    private Scenario() {
    }

    enum AmountType { FIXED, PERCENT }

    /**
     * @param currency   null: the campaign's
     * @param dailyCap   null: none
     * @param monthlyCap null: none
     * @param mode       null: the campaign's
     */
    record GoalSpec(String id, String value, boolean paused, AmountType payoutType, BigDecimal payout,
                    AmountType revenueType, BigDecimal revenue, boolean dynamicRevenue, String currency,
                    Integer dailyCap, Integer monthlyCap, MultiConversionMode mode) {

        static GoalSpec fixed(String id, String value, String payout, String revenue) {
            return new GoalSpec(id, value, false, AmountType.FIXED, new BigDecimal(payout), AmountType.FIXED,
                    new BigDecimal(revenue), false, null, null, null, null);
        }

        static GoalSpec percent(String id, String value, String payout, String revenue) {
            return new GoalSpec(id, value, false, AmountType.PERCENT, new BigDecimal(payout), AmountType.PERCENT,
                    new BigDecimal(revenue), false, null, null, null, null);
        }

        GoalSpec paused(boolean paused) {
            return new GoalSpec(id, value, paused, payoutType, payout, revenueType, revenue, dynamicRevenue, currency,
                    dailyCap, monthlyCap, mode);
        }

        GoalSpec revenue(AmountType type, String amount, boolean dynamic) {
            return new GoalSpec(id, value, paused, payoutType, payout, type, new BigDecimal(amount), dynamic, currency,
                    dailyCap, monthlyCap, mode);
        }

        GoalSpec currency(String currency) {
            return new GoalSpec(id, value, paused, payoutType, payout, revenueType, revenue, dynamicRevenue, currency,
                    dailyCap, monthlyCap, mode);
        }

        GoalSpec caps(Integer daily, Integer monthly) {
            return new GoalSpec(id, value, paused, payoutType, payout, revenueType, revenue, dynamicRevenue, currency,
                    daily, monthly, mode);
        }

        GoalSpec mode(MultiConversionMode mode) {
            return new GoalSpec(id, value, paused, payoutType, payout, revenueType, revenue, dynamicRevenue, currency,
                    dailyCap, monthlyCap, mode);
        }

        boolean capped() {
            return dailyCap != null || monthlyCap != null;
        }

        @Override
        public String toString() {
            return id + "(" + value + (paused ? ",PAUSED" : "")
                    + ",payout " + payout + (payoutType == AmountType.PERCENT ? "%" : "")
                    + ",revenue " + revenue + (revenueType == AmountType.PERCENT ? "%" : "")
                    + (dynamicRevenue ? ",dynamic" : "")
                    + (currency != null ? "," + currency : "") + (dailyCap != null ? ",daily " + dailyCap : "")
                    + (monthlyCap != null ? ",monthly " + monthlyCap : "") + (mode != null ? "," + mode : "") + ")";
        }
    }

    /** @param defaultGoal null: none */
    record CampaignSpec(String id, String advertiser, boolean paused, int windowDays, String timeZone,
                        String defaultGoal, MultiConversionMode mode, List<GoalSpec> goals) {

        static final String CURRENCY = "USD";

        Optional<GoalSpec> goal(Predicate<GoalSpec> match) {
            return goals.stream().filter(match).findFirst();
        }

        CampaignSpec paused(boolean paused) {
            return new CampaignSpec(id, advertiser, paused, windowDays, timeZone, defaultGoal, mode, goals);
        }

        CampaignSpec mode(MultiConversionMode mode) {
            return new CampaignSpec(id, advertiser, paused, windowDays, timeZone, defaultGoal, mode, goals);
        }

        CampaignSpec goal(String goalId, UnaryOperator<GoalSpec> change) {
            return new CampaignSpec(id, advertiser, paused, windowDays, timeZone, defaultGoal, mode,
                    goals.stream().map(goal -> goal.id().equals(goalId) ? change.apply(goal) : goal).toList());
        }

        @Override
        public String toString() {
            return id + "{" + advertiser + "," + mode + (paused ? ",PAUSED" : "") + ",window " + windowDays + "d,"
                    + timeZone + ",default " + defaultGoal + "," + goals + "}";
        }
    }

    /** @param early the click reached the topology before any event; else only with its ClickEvents, if any */
    record ClickSpec(String clickId, String campaignId, Instant clickedAt, boolean early) {
        @Override
        public String toString() {
            return clickId + "->" + campaignId + " clicked " + clickedAt + (early ? " early" : "");
        }
    }

    /**
     * @param start             when the wall clock starts; events come after it
     * @param conversionsPerKey the topology's bound on a click's conversions (small, so that it is reached)
     */
    record Universe(List<CampaignSpec> campaigns, List<ClickSpec> clicks, Duration grace, Instant start,
                    int conversionsPerKey) {

        StateBounds bounds() {
            return new StateBounds(conversionsPerKey, StateBounds.DEFAULT_CONVERSION_BYTES_PER_KEY);
        }

        @Override
        public String toString() {
            return "Universe[start " + start + ", grace " + grace + ", " + conversionsPerKey
                    + " conversions per click, " + campaigns + ", " + clicks + "]";
        }
    }

    /**
     * The parameters of one postback, null meaning "not sent".
     *
     * @param click index into the universe's clicks; negative: click_id missing
     */
    record PostbackSpec(int click, String goalId, String goalValue, String saleAmount, String txnName, String txnId,
                        String status, String currency, String revenue) {

        Map<String, String> params(String clickId) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("click_id", clickId);
            put(params, "goal_id", goalId);
            put(params, "goal_value", goalValue);
            put(params, "sale_amount", saleAmount);
            put(params, txnName, txnId);
            put(params, "status", status);
            put(params, "currency", currency);
            put(params, "revenue", revenue);
            return params;
        }

        private static void put(Map<String, String> params, String name, String value) {
            if (value != null) {
                params.put(name, value);
            }
        }

        @Override
        public String toString() {
            return "pb(" + params(click < 0 ? "" : "k" + (click + 1)) + ")";
        }
    }

    /** What the generator produces: each event comes {@code step} after the previous one. */
    sealed interface Event {
        Duration step();
    }

    /** The click with this index reaches the topology (the click tracker may be late). */
    record ClickEvent(int click, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m click k" + (click + 1);
        }
    }

    record PostbackEvent(PostbackSpec postback, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m " + postback;
        }
    }

    /** The advertiser resends an earlier postback unchanged (0: the latest one); nothing if none was sent yet. */
    record ResendEvent(int back, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m resend " + back + " back";
        }
    }

    /**
     * The advertiser sends an earlier postback again with another status (null: none, which means
     * approved): a reversal or a confirmation when it has a txn id. Without its goal, it also leaves
     * out goal_id, goal_value and sale_amount, as a status update usually does.
     */
    record StatusChangeEvent(int back, String status, boolean withoutGoal, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m resend " + back + " back with status " + status
                    + (withoutGoal ? ", without goal and amount" : "");
        }
    }

    /** The campaign manager changes a live campaign (the campaign with this index in the universe). */
    record CampaignChangeEvent(int campaign, CampaignChange change, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m campaign #" + campaign + ": " + change;
        }
    }

    /** What a campaign manager changes. */
    sealed interface CampaignChange extends UnaryOperator<CampaignSpec> {
    }

    record Pause(boolean paused) implements CampaignChange {
        @Override
        public CampaignSpec apply(CampaignSpec campaign) {
            return campaign.paused(paused);
        }
    }

    record CampaignMode(MultiConversionMode mode) implements CampaignChange {
        @Override
        public CampaignSpec apply(CampaignSpec campaign) {
            return campaign.mode(mode);
        }
    }

    /** @param goal index into the campaign's goals; mode null: the campaign's */
    record GoalMode(int goal, MultiConversionMode mode) implements CampaignChange {
        @Override
        public CampaignSpec apply(CampaignSpec campaign) {
            GoalSpec changed = campaign.goals().get(goal % campaign.goals().size());
            return campaign.goal(changed.id(), spec -> spec.mode(mode));
        }
    }

    /** @param goal index into the campaign's goals; dailyCap null: none */
    record GoalCap(int goal, Integer dailyCap) implements CampaignChange {
        @Override
        public CampaignSpec apply(CampaignSpec campaign) {
            GoalSpec changed = campaign.goals().get(goal % campaign.goals().size());
            return campaign.goal(changed.id(), spec -> spec.caps(dailyCap, spec.monthlyCap()));
        }
    }

    /** The wall clock catches up with event time: postbacks whose grace ended are rejected. */
    record TickEvent(Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m wall clock";
        }
    }

    /** The events resolved into what the topology is fed, at absolute times. */
    sealed interface Step {
        Instant at();
    }

    record ClickArrives(ClickSpec click, Instant at) implements Step {
    }

    record PostbackArrives(String requestId, String clickId, Map<String, String> params, Instant at) implements Step {
    }

    /** The campaign as it is from now on. */
    record CampaignChanges(CampaignSpec campaign, Instant at) implements Step {
    }

    record WallClock(Instant at) implements Step {
    }

    static List<Step> timeline(Universe universe, List<Event> events) {
        List<Step> steps = new ArrayList<>();
        List<PostbackArrives> sent = new ArrayList<>();
        List<CampaignSpec> campaigns = new ArrayList<>(universe.campaigns());
        Instant at = universe.start();
        for (ClickSpec click : universe.clicks()) {
            if (click.early()) {
                steps.add(new ClickArrives(click, at));
            }
        }
        for (Event event : events) {
            at = at.plus(event.step());
            if (event instanceof ClickEvent click) {
                steps.add(new ClickArrives(universe.clicks().get(click.click()), at));
            } else if (event instanceof PostbackEvent postback) {
                String clickId = postback.postback().click() < 0 ? ""
                        : universe.clicks().get(postback.postback().click()).clickId();
                sent.add(new PostbackArrives(requestId(sent.size()), clickId, postback.postback().params(clickId), at));
                steps.add(sent.get(sent.size() - 1));
            } else if (event instanceof ResendEvent resend) {
                if (!sent.isEmpty()) {
                    PostbackArrives original = sent.get(sent.size() - 1 - resend.back() % sent.size());
                    sent.add(new PostbackArrives(requestId(sent.size()), original.clickId(), original.params(), at));
                    steps.add(sent.get(sent.size() - 1));
                }
            } else if (event instanceof StatusChangeEvent change) {
                if (!sent.isEmpty()) {
                    PostbackArrives original = sent.get(sent.size() - 1 - change.back() % sent.size());
                    Map<String, String> params = new LinkedHashMap<>(original.params());
                    params.remove("status");
                    if (change.withoutGoal()) {
                        params.keySet().removeAll(List.of("goal_id", "goal_value", "sale_amount"));
                    }
                    if (change.status() != null) {
                        params.put("status", change.status());
                    }
                    sent.add(new PostbackArrives(requestId(sent.size()), original.clickId(), params, at));
                    steps.add(sent.get(sent.size() - 1));
                }
            } else if (event instanceof CampaignChangeEvent change) {
                int index = change.campaign() % campaigns.size();
                campaigns.set(index, change.change().apply(campaigns.get(index)));
                steps.add(new CampaignChanges(campaigns.get(index), at));
            } else {
                steps.add(new WallClock(at));
            }
        }
        return steps;
    }

    private static String requestId(int n) {
        return String.format("req-%02d", n);
    }
}
