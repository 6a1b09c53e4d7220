package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.topology.Scenario.AmountType;
import io.attribution.topology.Scenario.CampaignChange;
import io.attribution.topology.Scenario.CampaignChangeEvent;
import io.attribution.topology.Scenario.CampaignChanges;
import io.attribution.topology.Scenario.CampaignMode;
import io.attribution.topology.Scenario.CampaignSpec;
import io.attribution.topology.Scenario.ClickArrives;
import io.attribution.topology.Scenario.ClickEvent;
import io.attribution.topology.Scenario.ClickSpec;
import io.attribution.topology.Scenario.Event;
import io.attribution.topology.Scenario.GoalCap;
import io.attribution.topology.Scenario.GoalMode;
import io.attribution.topology.Scenario.GoalSpec;
import io.attribution.topology.Scenario.Pause;
import io.attribution.topology.Scenario.PostbackArrives;
import io.attribution.topology.Scenario.PostbackEvent;
import io.attribution.topology.Scenario.PostbackSpec;
import io.attribution.topology.Scenario.ResendEvent;
import io.attribution.topology.Scenario.StatusChangeEvent;
import io.attribution.topology.Scenario.Step;
import io.attribution.topology.Scenario.TickEvent;
import io.attribution.topology.Scenario.Universe;
import io.attribution.topology.Scenario.WallClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random interleavings of clicks, postbacks (fresh, resent, status changes with or without their
 * goal), campaign changes (pauses, modes, caps) and wall-clock ticks over a small world where
 * collisions are the rule: the topology must give every postback exactly one outcome, the one
 * {@link ReferenceModel} gives it.
 */
class AttributionPropertyTest {

    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final int CLICK_IDS = 5;
    /** The topology's own bound: worlds that never reach a click's bound use it. */
    private static final int DEFAULT_BOUND = StateBounds.DEFAULT_CONVERSIONS_PER_KEY;
    private static final Instant T0 = Scenario.STARTS.get(0);
    private static final Map<String, String> PATH_GROUPS = Map.of("a new conversion over a cap", "a cap at work",
            "an update refused by a full cap", "a cap at work", "an update took a slot", "a cap at work",
            "an update gave a slot back", "a cap at work");

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void everyPostbackEndsInTheOutcomeTheRulesGiveIt(@ForAll("events") List<Event> events,
                                                     @ForAll("universes") Universe universe) {
        List<Step> timeline = Scenario.timeline(universe, events);

        ReferenceModel model = new ReferenceModel(universe);
        Map<String, List<String>> expected = model.run(timeline);
        Map<String, List<String>> actual = runTopology(universe, timeline);

        assertSameOutcomes(universe, timeline, expected, actual);
        expected.values().forEach(outcome -> Statistics.label("outcomes").collect(kind(outcome.get(0))));
        model.paths().forEach(path -> {
            Statistics.label("paths").collect(path);
            Statistics.label("path groups").collect(PATH_GROUPS.getOrDefault(path, path));
        });
        // The generators must keep producing the interesting collisions, each far likelier than 0 in 100
        // tries (the rarer cap paths are checked as a group; the examples above take each one).
        Statistics.label("outcomes").coverage(coverage -> {
            for (String kind : List.of("ATTRIBUTED", "UPDATED", "REJECTED DUPLICATE_CONVERSION",
                    "REJECTED DUPLICATE_TXN", "REJECTED UNKNOWN_CLICK", "REJECTED CLICK_EXPIRED",
                    "REJECTED CAMPAIGN_PAUSED", "REJECTED LIMIT_EXCEEDED")) {
                coverage.check(kind).count((Integer count) -> count > 0);
            }
        });
        Statistics.label("path groups").coverage(coverage -> {
            for (String group : List.of("an update without goal", "an update from another click",
                    "the click's txn id is its advertiser's", "a cap at work")) {
                coverage.check(group).count((Integer count) -> count > 0);
            }
        });
    }

    /**
     * Every postback has exactly one outcome, the expected one. On failure, lists the postbacks
     * that differ, then the whole story: each step, and each postback's outcomes.
     */
    static void assertSameOutcomes(Universe universe, List<Step> timeline, Map<String, List<String>> expected,
                                   Map<String, List<String>> actual) {
        StringBuilder differences = new StringBuilder();
        StringBuilder story = new StringBuilder();
        Set<String> sent = new HashSet<>();
        for (Step step : timeline) {
            story.append(String.format("  start+%-4s ", Duration.between(universe.start(), step.at()).toMinutes() + "m"));
            if (step instanceof ClickArrives click) {
                story.append("click ").append(click.click()).append('\n');
            } else if (step instanceof WallClock) {
                story.append("wall clock catches up\n");
            } else if (step instanceof CampaignChanges change) {
                story.append("campaign now ").append(change.campaign()).append('\n');
            } else if (step instanceof PostbackArrives postback) {
                String id = postback.requestId();
                sent.add(id);
                List<String> want = expected.getOrDefault(id, List.of());
                List<String> got = actual.getOrDefault(id, List.of());
                story.append(id).append(' ').append(postback.params());
                if (got.equals(want)) {
                    story.append("\n      -> ").append(got).append('\n');
                } else {
                    story.append("\n      -> expected ").append(want).append("\n         but was  ").append(got)
                            .append("   <<<<<\n");
                    differences.append(String.format("  %s: expected %s but was %s%n", id, want, got));
                }
            }
        }
        actual.keySet().stream().filter(id -> !sent.contains(id)).sorted().forEach(id -> differences
                .append(String.format("  %s was never sent but has outcomes %s%n", id, actual.get(id))));
        if (differences.length() > 0) {
            throw new AssertionError("outcomes differ (each postback must have exactly one, the expected one):\n"
                    + differences + "story (wall clock passes every grace at the end):\n" + story);
        }
    }

    private static Map<String, List<String>> checked(Universe universe, List<Event> events) {
        List<Step> timeline = Scenario.timeline(universe, events);
        Map<String, List<String>> actual = runTopology(universe, timeline);
        assertSameOutcomes(universe, timeline, new ReferenceModel(universe).run(timeline), actual);
        return actual;
    }

    /**
     * Postbacks wait for late clicks. k2's install converts when k2 arrives and takes the daily cap
     * of 1. k1's install, its identical resend and its status change to pending wait together and
     * are released in arrival order: the install is a conversion cancelled by the cap, the resend a
     * duplicate, and the change to pending finds the day still full.
     */
    @Example
    void postbacksWaitingForTheirClickAreDecidedInArrivalOrder() {
        Universe universe = universe(List.of(campaignA(MultiConversionMode.ALLOW_UNIQUE_TXN, false, 30, "UTC",
                        1, false, null, "a-install"), campaignB(),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                clicks("camp-a", "camp-a", "camp-c", "camp-x", "camp-b"));
        PostbackSpec install = new PostbackSpec(0, null, "install", null, "txn_id", "t1", null, null, null);
        PostbackSpec pending = new PostbackSpec(0, null, "install", null, "txn_id", "t1", "pending", null, null);
        PostbackSpec otherInstall = new PostbackSpec(1, null, "install", null, "txn_id", "t2", null, null, null);
        List<Event> events = List.of(
                new PostbackEvent(otherInstall, Duration.ofMinutes(1)),
                new PostbackEvent(install, Duration.ofMinutes(1)),
                new ResendEvent(0, Duration.ofMinutes(1)),
                new PostbackEvent(pending, Duration.ofMinutes(1)),
                new ClickEvent(1, Duration.ofMinutes(1)),
                new ClickEvent(0, Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                "req-00", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-01", List.of("ATTRIBUTED goal=a-install status=CANCELLED payout=1.5 revenue=2 currency=USD"
                        + " reason=CAP_REACHED"),
                "req-02", List.of("REJECTED DUPLICATE_CONVERSION"),
                "req-03", List.of("REJECTED CAP_REACHED")));
    }

    /**
     * UNIQUE_TXN holds across clicks and goals of the advertiser: a txn id converted on one click is
     * a status update when it comes back on another click, and a duplicate when its status is the same.
     * Another advertiser's same txn id is another order.
     */
    @Example
    void uniqueTxnIsOncePerAdvertiserAcrossClicks() {
        Universe universe = universe(List.of(campaignA(MultiConversionMode.ALLOW, false, 30, "UTC", null, false,
                        null, "a-install"),
                        campaignB(MultiConversionMode.UNIQUE_TXN, "adv-2", null, null, null, "b-install", "UTC", 30,
                                null, null),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, 2, null, "UTC", 30)),
                clicks("camp-c", "camp-c", "camp-a", "camp-b", "camp-x"));
        List<Event> events = List.of(
                new ClickEvent(0, Duration.ofMinutes(1)),
                new ClickEvent(1, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "sale", "10.10", "order_id", "t1", "pending", null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t1", "approved", null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(1, "c-sale", null, "5", "txn_id", "t1", "approved", null, null),
                        Duration.ofMinutes(1)),
                new ClickEvent(3, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(3, null, "install", null, "txn_id", "t1", "approved", null, null),
                        Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                // 10% of 10.10 = 1.01; 15% of 10.10 = 1.515 -> 1.52 (half up)
                "req-00", List.of("ATTRIBUTED goal=c-sale status=PENDING payout=1.01 revenue=1.52 currency=USD"),
                "req-01", List.of("UPDATED conversion=req-00 status=APPROVED previous=PENDING"),
                "req-02", List.of("REJECTED DUPLICATE_TXN"),
                "req-03", List.of("ATTRIBUTED goal=b-install status=APPROVED payout=0.4 revenue=0.55 currency=USD")));
    }

    /**
     * Boundaries that random minutes rarely hit exactly: a daily cap resets at midnight in the
     * campaign's zone (New York: 30 minutes after the start), a postback at the very end of the
     * attribution window still counts, and a fixed payout of 0.345 rounds half up.
     */
    @Example
    void capDayIsTheCampaignsAndTheWindowEndIsInclusive() {
        Universe universe = universe(List.of(campaignA(MultiConversionMode.ALLOW, false, 1, "America/New_York",
                        1, false, null, "a-install"), campaignB(),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                List.of(new ClickSpec("k1", "camp-a", T0.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(40)), true),
                        new ClickSpec("k2", "camp-a", T0.minus(Duration.ofMinutes(5)), true)));
        List<Event> events = List.of(
                // 23:40 and 00:00 in New York: two days, one conversion each under a daily cap of 1.
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t1", null, null, null),
                        Duration.ofMinutes(10)),
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t2", null, null, null),
                        Duration.ofMinutes(20)),
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t3", null, null, null),
                        Duration.ofMinutes(5)),
                // k1's one-day window ends 40 minutes after the start.
                new PostbackEvent(new PostbackSpec(0, null, "lead", null, null, null, null, null, null),
                        Duration.ofMinutes(5)),
                new PostbackEvent(new PostbackSpec(0, null, "lead", null, "txn_id", "t1", null, null, null),
                        Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                "req-00", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-01", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-02", List.of("ATTRIBUTED goal=a-install status=CANCELLED payout=1.5 revenue=2 currency=USD"
                        + " reason=CAP_REACHED"),
                "req-03", List.of("ATTRIBUTED goal=a-lead status=APPROVED payout=0.35 revenue=0.5 currency=USD"),
                "req-04", List.of("REJECTED CLICK_EXPIRED")));
    }

    /**
     * Issue 10's example: ALLOW_UNIQUE_TXN with the default goal install, the purchase goal
     * UNIQUE_TXN. A pending purchase, then its approval without a goal (the default goal's mode
     * is per click), once the campaign is paused, and a reversal after the purchase goal left
     * UNIQUE_TXN: each updates the one conversion, never a second.
     */
    @Example
    void anUpdateFindsItsOrderWhateverGoalOrModeItNamesAndOnAPausedCampaign() {
        Universe universe = universe(List.of(campaignA(MultiConversionMode.ALLOW_UNIQUE_TXN, false, 30, "UTC", null,
                        false, null, "a-install", MultiConversionMode.UNIQUE_TXN), campaignB(),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                clicks("camp-a", "camp-a", "camp-c", "camp-b", "camp-x"));
        List<Event> events = List.of(
                new ClickEvent(0, Duration.ofMinutes(1)),
                new ClickEvent(1, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "sale", "80", "txn_id", "T", "pending", null, null),
                        Duration.ofMinutes(1)),
                new StatusChangeEvent(0, "approved", true, Duration.ofMinutes(1)),
                new CampaignChangeEvent(0, new Pause(true), Duration.ofMinutes(1)),
                new StatusChangeEvent(1, "rejected", true, Duration.ofMinutes(1)),
                new CampaignChangeEvent(0, new GoalMode(1, null), Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "sale", null, "txn_id", "T", "cancelled", null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(1, null, "sale", null, "txn_id", "T", "approved", null, null),
                        Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                // 7.5% of 80 = 6; 12% of 80 = 9.60
                "req-00", List.of("ATTRIBUTED goal=a-purchase status=PENDING payout=6 revenue=9.6 currency=USD"),
                "req-01", List.of("UPDATED conversion=req-00 status=APPROVED previous=PENDING"),
                "req-02", List.of("UPDATED conversion=req-00 status=REJECTED previous=APPROVED"),
                "req-03", List.of("UPDATED conversion=req-00 status=CANCELLED previous=REJECTED"),
                // From another click, once no goal is UNIQUE_TXN: the txn id would be k2's own, which it
                // cannot be on a paused campaign.
                "req-04", List.of("REJECTED CAMPAIGN_PAUSED")));
    }

    /**
     * A monthly cap of one in New York across the month's end (the start is 23:30 on November 30th
     * there): a slot is taken in the month its conversion became approved, and given back there.
     */
    @Example
    void capSlotsFollowTheConversionAcrossTheMonthInNewYork() {
        Instant novemberEnd = Scenario.STARTS.get(1);
        CampaignSpec capped = campaignA(MultiConversionMode.ALLOW, false, 30, "America/New_York", null, false, null,
                "a-install").goal("a-install", goal -> goal.caps(null, 1));
        Universe universe = new Universe(List.of(capped, campaignB(),
                campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                clicks(novemberEnd, "camp-a", "camp-a", "camp-a", "camp-b", "camp-x"), Duration.ZERO, novemberEnd,
                DEFAULT_BOUND);
        List<Event> events = List.of(
                new ClickEvent(0, Duration.ofMinutes(1)),
                new ClickEvent(1, Duration.ofMinutes(1)),
                new ClickEvent(2, Duration.ofMinutes(1)),
                // 23:40 on November 30th, then 00:10 on December 1st.
                new PostbackEvent(new PostbackSpec(0, null, "install", null, "txn_id", "t1", null, null, null),
                        Duration.ofMinutes(7)),
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t2", null, null, null),
                        Duration.ofMinutes(30)),
                new StatusChangeEvent(1, "cancelled", true, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(2, null, "install", null, "txn_id", "t3", "pending", null, null),
                        Duration.ofMinutes(1)),
                new StatusChangeEvent(0, "approved", true, Duration.ofMinutes(1)),
                new StatusChangeEvent(3, "rejected", true, Duration.ofMinutes(1)),
                new StatusChangeEvent(1, "approve", true, Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                "req-00", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-01", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-02", List.of("UPDATED conversion=req-00 status=CANCELLED previous=APPROVED"),
                "req-03", List.of("ATTRIBUTED goal=a-install status=CANCELLED payout=1.5 revenue=2 currency=USD"
                        + " reason=CAP_REACHED"),
                "req-04", List.of("REJECTED CAP_REACHED"),
                "req-05", List.of("UPDATED conversion=req-01 status=REJECTED previous=APPROVED"),
                "req-06", List.of("UPDATED conversion=req-03 status=APPROVED previous=CANCELLED")));
    }

    /**
     * A click holds at most its bound of conversions (here two, one of them a UNIQUE_TXN order of
     * the advertiser's); its conversions still take status updates, and other clicks convert.
     */
    @Example
    void aClickPastItsBoundTakesNoNewConversionButItsUpdates() {
        Universe universe = new Universe(List.of(campaignA(MultiConversionMode.ALLOW, false, 30, "UTC", null, false,
                        null, "a-install", MultiConversionMode.UNIQUE_TXN), campaignB(),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                clicks("camp-a", "camp-a", "camp-c", "camp-b", "camp-x"), GRACE, T0, 2);
        List<Event> events = List.of(
                new ClickEvent(0, Duration.ofMinutes(1)),
                new ClickEvent(1, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "install", null, "txn_id", "t1", null, null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "sale", "10", "txn_id", "t2", null, null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, "install", null, "txn_id", "t3", null, null, null),
                        Duration.ofMinutes(1)),
                new StatusChangeEvent(1, "cancelled", true, Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(1, null, "install", null, "txn_id", "t3", null, null, null),
                        Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                "req-00", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-01", List.of("ATTRIBUTED goal=a-purchase status=APPROVED payout=0.75 revenue=1.2 currency=USD"),
                "req-02", List.of("REJECTED LIMIT_EXCEEDED"),
                "req-03", List.of("UPDATED conversion=req-01 status=CANCELLED previous=APPROVED"),
                "req-04", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD")));
    }

    /**
     * Shrunk by this property: an approval the cap refused leaves the conversion REJECTED though the
     * advertiser asked for approved, so a later cancellation changes it from REJECTED.
     */
    @Example
    void aStatusChangeAfterARefusedApprovalStartsFromTheStatusTheConversionKept() {
        CampaignSpec campaignA = campaignA(MultiConversionMode.UNIQUE_TXN, false, 30, "UTC", 1, false, null,
                "a-install");
        Universe universe = universe(List.of(campaignA, campaignB(),
                        campaignC(MultiConversionMode.UNIQUE_TXN, false, null, null, "UTC", 30)),
                List.of(new ClickSpec("k1", "camp-a", T0.minus(Duration.ofMinutes(5)), true)));
        List<Event> events = List.of(
                new PostbackEvent(new PostbackSpec(0, null, null, null, null, null, null, null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, null, null, "txn_id", "t1", "rejected", null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, null, null, "txn_id", "t1", null, null, null),
                        Duration.ofMinutes(1)),
                new PostbackEvent(new PostbackSpec(0, null, null, null, "txn_id", "t1", "cancelled", null, null),
                        Duration.ofMinutes(1)));

        assertThat(checked(universe, events)).isEqualTo(Map.of(
                "req-00", List.of("ATTRIBUTED goal=a-install status=APPROVED payout=1.5 revenue=2 currency=USD"),
                "req-01", List.of("ATTRIBUTED goal=a-install status=REJECTED payout=1.5 revenue=2 currency=USD"),
                "req-02", List.of("REJECTED CAP_REACHED"),
                "req-03", List.of("UPDATED conversion=req-01 status=CANCELLED previous=REJECTED")));
    }

    // ---------------------------------------------------------------- the topology under test

    /**
     * The wall clock moves on while no record arrives: the partition is quiet, so the topology
     * measures grace on the wall clock once stream time has stood still for two check intervals.
     *
     * @return the wall clock afterwards
     */
    private static Instant quietUntil(TopologyHarness topology, Instant wallClock, Instant target) {
        if (target.isAfter(wallClock)) {
            topology.advanceWallClock(Duration.between(wallClock, target));
            wallClock = target;
        }
        Duration quiet = AttributionSettings.DEFAULT_GRACE_CHECK_INTERVAL.multipliedBy(3);
        topology.advanceWallClock(quiet);
        return wallClock.plus(quiet);
    }

    static Map<String, List<String>> runTopology(Universe universe, List<Step> timeline) {
        AttributionSettings settings = AttributionSettings.defaults().withUnknownClickGrace(universe.grace())
                .withBounds(universe.bounds());
        // A driver per try, committing after every record: on a RAM disk, ten times faster.
        try (TopologyHarness topology = new TopologyHarness(settings, universe.start(), TopologyHarness.RAM_DISK)) {
            universe.campaigns().forEach(campaign -> topology.campaign(avro(campaign)));
            Instant wallClock = universe.start();
            Instant last = universe.start();
            for (Step step : timeline) {
                if (step instanceof ClickArrives click) {
                    topology.click(avro(click.click()));
                } else if (step instanceof PostbackArrives postback) {
                    topology.postback(avro(postback));
                } else if (step instanceof CampaignChanges change) {
                    topology.campaign(avro(change.campaign()));
                } else if (step instanceof WallClock clock) {
                    wallClock = quietUntil(topology, wallClock, clock.at());
                }
                last = step.at();
            }
            // In the end the wall clock passes every grace.
            Instant end = last.plus(universe.grace()).plus(Duration.ofMinutes(1));
            quietUntil(topology, wallClock, end);

            Map<String, List<String>> outcomes = new LinkedHashMap<>();
            for (AttributedConversion conversion : topology.attributed.readValuesToList()) {
                outcomes.computeIfAbsent(conversion.getRequestId(), id -> new ArrayList<>()).add(describe(conversion));
            }
            for (RejectedPostback rejection : topology.rejected.readValuesToList()) {
                outcomes.computeIfAbsent(rejection.getRequestId(), id -> new ArrayList<>())
                        .add("REJECTED " + rejection.getReason());
            }
            return outcomes;
        }
    }

    private static String describe(AttributedConversion conversion) {
        String reason = conversion.getStatusReason() == null ? "" : " reason=" + conversion.getStatusReason();
        if (conversion.getPreviousStatus() != null) {
            return "UPDATED conversion=" + conversion.getConversionId() + " status=" + conversion.getStatus()
                    + " previous=" + conversion.getPreviousStatus() + reason;
        }
        return (conversion.getConversionId().equals(conversion.getRequestId()) ? "" : "conversion_id mismatch ")
                + "ATTRIBUTED goal=" + conversion.getGoalId() + " status=" + conversion.getStatus()
                + " payout=" + ReferenceModel.plain(conversion.getPayout())
                + " revenue=" + ReferenceModel.plain(conversion.getRevenue()) + " currency=" + conversion.getCurrency()
                + reason;
    }

    private static String kind(String outcome) {
        if (outcome.startsWith("ATTRIBUTED")) {
            return outcome.endsWith("reason=CAP_REACHED") ? "ATTRIBUTED over a cap" : "ATTRIBUTED";
        }
        if (outcome.startsWith("UPDATED")) {
            return outcome.endsWith("previous=CANCELLED") ? "UPDATED from CANCELLED" : "UPDATED";
        }
        return outcome;
    }

    private static Campaign avro(CampaignSpec spec) {
        return Campaign.newBuilder()
                .setCampaignId(spec.id())
                .setAdvertiserId(spec.advertiser())
                .setName("Campaign " + spec.id())
                .setStatus(spec.paused() ? ActivityStatus.PAUSED : ActivityStatus.ACTIVE)
                .setAttributionWindowDays(spec.windowDays())
                .setCurrency(CampaignSpec.CURRENCY)
                .setTimeZone(spec.timeZone())
                .setDefaultGoalId(spec.defaultGoal())
                .setMultiConversion(spec.mode())
                .setGoals(spec.goals().stream().map(AttributionPropertyTest::avro).toList())
                .build();
    }

    private static Goal avro(GoalSpec spec) {
        return Goal.newBuilder()
                .setGoalId(spec.id())
                .setValue(spec.value())
                .setStatus(spec.paused() ? ActivityStatus.PAUSED : ActivityStatus.ACTIVE)
                .setPayoutType(spec.payoutType() == AmountType.FIXED ? PayoutType.FIXED : PayoutType.PERCENT)
                .setPayout(spec.payout())
                .setRevenueType(spec.revenueType() == AmountType.FIXED ? PayoutType.FIXED : PayoutType.PERCENT)
                .setRevenue(spec.revenue())
                .setDynamicRevenue(spec.dynamicRevenue())
                .setCurrency(spec.currency())
                .setDailyCap(spec.dailyCap())
                .setMonthlyCap(spec.monthlyCap())
                .setMultiConversion(spec.mode())
                .build();
    }

    private static Click avro(ClickSpec spec) {
        return Click.newBuilder().setClickId(spec.clickId()).setCampaignId(spec.campaignId()).setAffiliateId("aff-7")
                .setClickedAt(spec.clickedAt()).setSubs(Map.of("sub1", "banner-a")).build();
    }

    private static RawPostback avro(PostbackArrives postback) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        postback.params().forEach((name, value) -> query.put(name, List.of(value)));
        return RawPostback.newBuilder()
                .setRequestId(postback.requestId())
                .setReceivedAt(postback.at())
                .setClickId(postback.clickId())
                .setMethod("GET")
                .setQueryParams(query)
                .setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.9")
                .build();
    }

    // ---------------------------------------------------------------- the world

    /*
     * Three campaigns with fixed goals and a few random knobs; the simplest value of each knob first,
     * so that shrinking heads for it. Goal values repeat across campaigns ("install", "sale"), and
     * postbacks also name goals of other campaigns and goals nobody has. Campaigns A and C are one
     * advertiser's (B is another's, or the same): txn ids collide across their clicks.
     */

    private static CampaignSpec campaignA(MultiConversionMode mode, boolean paused, int windowDays, String timeZone,
                                          Integer installDailyCap, boolean leadPaused, MultiConversionMode leadMode,
                                          String defaultGoal) {
        return campaignA(mode, paused, windowDays, timeZone, installDailyCap, leadPaused, leadMode, defaultGoal, null);
    }

    private static CampaignSpec campaignA(MultiConversionMode mode, boolean paused, int windowDays, String timeZone,
                                          Integer installDailyCap, boolean leadPaused, MultiConversionMode leadMode,
                                          String defaultGoal, MultiConversionMode purchaseMode) {
        return new CampaignSpec("camp-a", "adv-1", paused, windowDays, timeZone, defaultGoal, mode, List.of(
                GoalSpec.fixed("a-install", "install", "1.50", "2.00").caps(installDailyCap, null),
                GoalSpec.percent("a-purchase", "sale", "7.5", "12").mode(purchaseMode),
                GoalSpec.fixed("a-lead", "lead", "0.345", "0.5").paused(leadPaused).mode(leadMode)));
    }

    private static CampaignSpec campaignB() {
        return campaignB(MultiConversionMode.ALLOW_UNIQUE_TXN, "adv-2", null, null, null, "b-install", "UTC", 30, null,
                null);
    }

    private static CampaignSpec campaignB(MultiConversionMode mode, String advertiser, Integer saleDailyCap,
                                          Integer saleMonthlyCap, String saleCurrency, String defaultGoal,
                                          String timeZone, int windowDays, Integer installDailyCap,
                                          MultiConversionMode installMode) {
        return new CampaignSpec("camp-b", advertiser, false, windowDays, timeZone, defaultGoal, mode, List.of(
                GoalSpec.percent("b-sale", "sale", "5", "0").revenue(AmountType.FIXED, "3", false)
                        .currency(saleCurrency).caps(saleDailyCap, saleMonthlyCap),
                GoalSpec.fixed("b-install", "install", "0.40", "0.55").revenue(AmountType.FIXED, "0.55", true)
                        .caps(installDailyCap, null).mode(installMode)));
    }

    private static CampaignSpec campaignC(MultiConversionMode mode, boolean paused, Integer saleDailyCap,
                                          Integer installMonthlyCap, String timeZone, int windowDays) {
        return new CampaignSpec("camp-c", "adv-1", paused, windowDays, timeZone, "c-install", mode, List.of(
                GoalSpec.percent("c-sale", "sale", "10", "15").caps(saleDailyCap, null),
                GoalSpec.fixed("c-install", "install", "1", "1.20").caps(null, installMonthlyCap)));
    }

    /** A world starting at {@link #T0}, with grace, and the topology's own bound on a click. */
    private static Universe universe(List<CampaignSpec> campaigns, List<ClickSpec> clicks) {
        return new Universe(campaigns, clicks, GRACE, T0, DEFAULT_BOUND);
    }

    private static List<ClickSpec> clicks(String... campaigns) {
        return clicks(T0, campaigns);
    }

    private static List<ClickSpec> clicks(Instant start, String... campaigns) {
        List<ClickSpec> clicks = new ArrayList<>();
        for (int i = 0; i < campaigns.length; i++) {
            clicks.add(new ClickSpec("k" + (i + 1), campaigns[i], start.minus(Duration.ofMinutes(5)), false));
        }
        return clicks;
    }

    private static <T> Arbitrary<T> orNull(Arbitrary<T> values, int nullWeight, int valueWeight) {
        return values.injectNull((double) nullWeight / (nullWeight + valueWeight));
    }

    private static Arbitrary<MultiConversionMode> modes() {
        return Arbitraries.of(MultiConversionMode.ALLOW_UNIQUE_TXN, MultiConversionMode.ALLOW,
                MultiConversionMode.ONE_PER_CLICK, MultiConversionMode.UNIQUE_TXN);
    }

    @Provide
    Arbitrary<Universe> universes() {
        Arbitrary<Boolean> rarely = Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true));
        // New York's midnight falls 30 minutes after T0; a campaign with an unknown zone is never taken in.
        Arbitrary<String> zones = Arbitraries.frequency(Tuple.of(2, "UTC"), Tuple.of(3, "America/New_York"),
                Tuple.of(1, "Mars/Olympus"));
        Arbitrary<Integer> windows = Arbitraries.of(30, 1);
        Arbitrary<MultiConversionMode> goalMode = orNull(Arbitraries.just(MultiConversionMode.UNIQUE_TXN), 2, 1);
        Arbitrary<Integer> smallCap = Arbitraries.frequency(Tuple.of(3, 1), Tuple.of(1, 2));
        Arbitrary<CampaignSpec> a = Combinators.combine(modes(), rarely, windows, zones,
                        orNull(smallCap, 1, 3), Arbitraries.of(false, true),
                        orNull(Arbitraries.of(MultiConversionMode.ONE_PER_CLICK, MultiConversionMode.ALLOW), 2, 1),
                        Arbitraries.of("a-install", "a-lead").injectNull(0.15))
                .as(AttributionPropertyTest::campaignA)
                .flatMap(campaign -> goalMode.map(mode -> campaign.goal("a-purchase", goal -> goal.mode(mode))))
                // A monthly cap does not reset at the midnight most worlds cross.
                .flatMap(campaign -> orNull(Arbitraries.just(1), 1, 1).map(monthly ->
                        campaign.goal("a-install", goal -> goal.caps(goal.dailyCap(), monthly))));
        Arbitrary<Tuple.Tuple2<Integer, Integer>> saleCaps = Combinators.combine(
                orNull(Arbitraries.of(1, 2), 1, 2), orNull(Arbitraries.just(3), 2, 1)).as(Tuple::of);
        Arbitrary<CampaignSpec> b = Combinators.combine(modes(), Arbitraries.of("adv-2", "adv-1"), saleCaps,
                        orNull(Arbitraries.just("JPY"), 2, 1),
                        Arbitraries.frequency(Tuple.of(5, "b-install"), Tuple.of(1, "b-gone")).injectNull(0.15), zones,
                        windows, Combinators.combine(orNull(Arbitraries.of(1, 2), 1, 1), goalMode).as(Tuple::of))
                .as((mode, advertiser, caps, currency, defaultGoal, zone, window, install) -> campaignB(mode,
                        advertiser, caps.get1(), caps.get2(), currency, defaultGoal, zone, window, install.get1(),
                        install.get2()));
        Arbitrary<CampaignSpec> c = Combinators.combine(
                        Arbitraries.frequency(Tuple.of(3, MultiConversionMode.UNIQUE_TXN),
                                Tuple.of(1, MultiConversionMode.ALLOW_UNIQUE_TXN)),
                        rarely, orNull(Arbitraries.of(1, 2), 1, 3), orNull(smallCap, 1, 3), zones, windows)
                .as(AttributionPropertyTest::campaignC);
        Arbitrary<String> clickCampaign = Arbitraries.frequency(Tuple.of(4, "camp-a"), Tuple.of(3, "camp-c"),
                Tuple.of(3, "camp-b"), Tuple.of(1, "camp-x"));
        // Fresh, at the edge of a one-day window (it closes a few minutes after the start), or past any window.
        Arbitrary<Duration> clickAge = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Duration.ofMinutes(5))),
                Tuple.of(3, Arbitraries.of(2, 5, 11, 40).map(minutes -> Duration.ofDays(1).minusMinutes(minutes))),
                Tuple.of(1, Arbitraries.just(Duration.ofDays(31))));
        Arbitrary<Tuple.Tuple3<String, Duration, Boolean>> click = Combinators.combine(clickCampaign, clickAge,
                Arbitraries.frequency(Tuple.of(2, true), Tuple.of(1, false))).as(Tuple::of);
        Arbitrary<Duration> grace = Arbitraries.frequency(Tuple.of(4, GRACE), Tuple.of(1, Duration.ZERO));
        // An ordinary day first; then the month's end, and the days of 25 and 23 hours in New York.
        Arbitrary<Instant> start = Arbitraries.frequency(Tuple.of(4, Scenario.STARTS.get(0)),
                Tuple.of(2, Scenario.STARTS.get(1)), Tuple.of(1, Scenario.STARTS.get(2)),
                Tuple.of(1, Scenario.STARTS.get(3)));
        // Mostly the topology's own bound; small ones so that a click reaches it.
        Arbitrary<Integer> bound = Arbitraries.frequency(Tuple.of(1, DEFAULT_BOUND), Tuple.of(2, 1), Tuple.of(2, 2));
        return Combinators.combine(a, b, c, click.list().ofSize(CLICK_IDS), grace, start, bound)
                .as((campaignA, campaignB, campaignC, clickList, g, startAt, perClick) -> {
                    List<ClickSpec> clicks = new ArrayList<>();
                    for (int i = 0; i < clickList.size(); i++) {
                        clicks.add(new ClickSpec("k" + (i + 1), clickList.get(i).get1(),
                                startAt.minus(clickList.get(i).get2()), clickList.get(i).get3()));
                    }
                    return new Universe(List.of(campaignA, campaignB, campaignC), clicks, g, startAt, perClick);
                });
    }

    @Provide
    Arbitrary<List<Event>> events() {
        // Whole minutes, never 0: events are strictly ordered in time, and a tick always reaches the punctuation.
        Arbitrary<Duration> step = Arbitraries.frequency(Tuple.of(4, 1), Tuple.of(3, 3), Tuple.of(2, 7),
                Tuple.of(1, 16)).map(Duration::ofMinutes);
        Arbitrary<Event> postback = Combinators.combine(postbacks(), step).as(PostbackEvent::new);
        Arbitrary<Event> click = Combinators.combine(Arbitraries.integers().between(0, CLICK_IDS - 1), step)
                .as(ClickEvent::new);
        Arbitrary<Integer> back = Arbitraries.integers().between(0, 3);
        Arbitrary<Event> resend = Combinators.combine(back, step).as(ResendEvent::new);
        Arbitrary<Event> statusChange = Combinators.combine(back,
                Arbitraries.of("rejected", "approved", "pending", "cancelled").injectNull(0.2),
                Arbitraries.of(false, true), step)
                .as(StatusChangeEvent::new);
        // Mostly campaign A, whose clicks are the most.
        Arbitrary<Event> campaignChange = Combinators.combine(Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(1, 1),
                Tuple.of(2, 2)), campaignChanges(), step).as(CampaignChangeEvent::new);
        Arbitrary<Event> tick = step.map(TickEvent::new);
        return Arbitraries.frequencyOf(Tuple.of(6, postback), Tuple.of(2, click), Tuple.of(2, resend),
                        Tuple.of(4, statusChange), Tuple.of(2, campaignChange), Tuple.of(1, tick))
                .list().ofMinSize(1).ofMaxSize(36).withSizeDistribution(RandomDistribution.uniform());
    }

    private static Arbitrary<CampaignChange> campaignChanges() {
        Arbitrary<Integer> goal = Arbitraries.integers().between(0, 2);
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.frequency(Tuple.of(2, true), Tuple.of(1, false)).map(Pause::new)),
                Tuple.of(2, modes().map(CampaignMode::new)),
                Tuple.of(2, Combinators.combine(goal, modes().injectNull(0.4)).as(GoalMode::new)),
                Tuple.of(3, Combinators.combine(goal, orNull(Arbitraries.frequency(Tuple.of(3, 1), Tuple.of(1, 2)), 1, 3))
                        .as(GoalCap::new)));
    }

    private static Arbitrary<PostbackSpec> postbacks() {
        // Most postbacks name the first two clicks, so that they collide.
        Arbitrary<Integer> click = Arbitraries.frequency(Tuple.of(15, 0), Tuple.of(12, 1), Tuple.of(6, 2),
                Tuple.of(3, 3), Tuple.of(3, 4), Tuple.of(1, -1));
        Arbitrary<String[]> goal = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new String[] {null, null})),
                Tuple.of(5, Arbitraries.frequency(Tuple.of(6, "install"), Tuple.of(5, "sale"), Tuple.of(1, "Sale"),
                                Tuple.of(1, "lead"), Tuple.of(1, "subscribe"))
                        .map(value -> new String[] {null, value})),
                Tuple.of(1, Arbitraries.of("a-install", "c-sale", "b-sale", "a-purchase", "a-lead", "b-install",
                        "c-install", "g-nope").map(id -> new String[] {id, null})));
        Arbitrary<String> sale = orNull(Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("19.99")),
                Tuple.of(5, Arbitraries.just("10.10")), Tuple.of(2, Arbitraries.just("0.05")),
                Tuple.of(1, Arbitraries.of("abc", "-5", "1.0000001"))), 3, 20);
        Arbitrary<String> txnName = Arbitraries.frequency(Tuple.of(5, "txn_id"), Tuple.of(1, "order_id"));
        Arbitrary<String> txn = orNull(Arbitraries.frequency(Tuple.of(3, "t1"), Tuple.of(2, "t2"),
                Tuple.of(1, "t3")), 1, 3);
        Arbitrary<String> status = orNull(Arbitraries.frequency(Tuple.of(6, "approved"), Tuple.of(6, "pending"),
                Tuple.of(4, "rejected"), Tuple.of(2, "cancelled"), Tuple.of(1, "Approved"),
                Tuple.of(1, "bogus")), 5, 7);
        Arbitrary<String> currency = orNull(Arbitraries.of("USD", "usd", "JPY", "EUR", "DOLLARS"), 20, 2);
        Arbitrary<String> revenue = orNull(Arbitraries.frequency(Tuple.of(3, "3.345"), Tuple.of(1, "x")), 12, 1);
        return Combinators.combine(click, goal, sale, txnName, txn, status, currency, revenue)
                .as((clickIndex, goalRef, saleAmount, name, txnId, statusText, currencyCode, revenueText) ->
                        new PostbackSpec(clickIndex, goalRef[0], goalRef[1], saleAmount, name, txnId, statusText,
                                currencyCode, revenueText));
    }
}
