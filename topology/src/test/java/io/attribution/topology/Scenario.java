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

/**
 * The test's own description of a world (campaigns, clicks, grace) and of what happens in it, in
 * plain records: {@link AttributionPropertyTest} turns it into Avro records for the topology, and
 * {@link ReferenceModel} reads it directly.
 */
final class Scenario {

    /** Events start one step after this; the wall clock starts here. 23:30 in New York: caps there see a midnight. */
    static final Instant T0 = Instant.parse("2026-11-25T04:30:00Z");

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
            return clickId + "->" + campaignId + " clicked T0-" + Duration.between(clickedAt, T0).toMinutes() + "m"
                    + (early ? " early" : "");
        }
    }

    record Universe(List<CampaignSpec> campaigns, List<ClickSpec> clicks, Duration grace) {
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
     * approved): a reversal or a confirmation when it has a txn id.
     */
    record StatusChangeEvent(int back, String status, Duration step) implements Event {
        @Override
        public String toString() {
            return "+" + step.toMinutes() + "m resend " + back + " back with status " + status;
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

    record WallClock(Instant at) implements Step {
    }

    static List<Step> timeline(Universe universe, List<Event> events) {
        List<Step> steps = new ArrayList<>();
        List<PostbackArrives> sent = new ArrayList<>();
        Instant at = T0;
        universe.clicks().stream().filter(ClickSpec::early).forEach(click -> steps.add(new ClickArrives(click, T0)));
        for (Event event : events) {
            at = at.plus(event.step());
            if (event instanceof ClickEvent click) {
                steps.add(new ClickArrives(universe.clicks().get(click.click()), at));
            } else if (event instanceof PostbackEvent postback) {
                String clickId = postback.postback().click() < 0 ? ""
                        : universe.clicks().get(postback.postback().click()).clickId();
                PostbackArrives arrives = new PostbackArrives(requestId(sent.size()), clickId,
                        postback.postback().params(clickId), at);
                sent.add(arrives);
                steps.add(arrives);
            } else if (event instanceof ResendEvent resend) {
                if (!sent.isEmpty()) {
                    PostbackArrives original = sent.get(sent.size() - 1 - resend.back() % sent.size());
                    PostbackArrives again = new PostbackArrives(requestId(sent.size()), original.clickId(),
                            original.params(), at);
                    sent.add(again);
                    steps.add(again);
                }
            } else if (event instanceof StatusChangeEvent change) {
                if (!sent.isEmpty()) {
                    PostbackArrives original = sent.get(sent.size() - 1 - change.back() % sent.size());
                    Map<String, String> params = new LinkedHashMap<>(original.params());
                    params.remove("status");
                    if (change.status() != null) {
                        params.put("status", change.status());
                    }
                    PostbackArrives changed = new PostbackArrives(requestId(sent.size()), original.clickId(),
                            params, at);
                    sent.add(changed);
                    steps.add(changed);
                }
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
