package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.RejectionReason;
import io.attribution.postback.PostbackParameters;

import java.util.Optional;
import java.util.function.Predicate;

/** Finds the goal a postback converts: by goal_id, else by goal_value, else the campaign's default. */
final class GoalResolver {

    private GoalResolver() {
    }

    static Goal resolve(Campaign campaign, PostbackParameters params) throws RejectedByRule {
        Optional<String> goalId = params.goalId();
        Optional<String> goalValue = params.goalValue();
        Goal goal;
        if (goalId.isPresent()) {
            goal = find(campaign, g -> g.getGoalId().equals(goalId.get()), "goal_id '" + goalId.get() + "'");
        } else if (goalValue.isPresent()) {
            goal = find(campaign, g -> g.getValue().equalsIgnoreCase(goalValue.get()),
                    "goal_value '" + goalValue.get() + "'");
        } else if (campaign.getDefaultGoalId() != null) {
            goal = find(campaign, g -> g.getGoalId().equals(campaign.getDefaultGoalId()),
                    "default goal '" + campaign.getDefaultGoalId() + "'");
        } else {
            throw new RejectedByRule(RejectionReason.UNKNOWN_GOAL,
                    "no goal_id or goal_value given and campaign " + campaign.getCampaignId() + " has no default goal");
        }
        if (goal.getStatus() == ActivityStatus.PAUSED) {
            throw new RejectedByRule(RejectionReason.GOAL_PAUSED, "goal " + goal.getGoalId() + " is paused");
        }
        return goal;
    }

    private static Goal find(Campaign campaign, Predicate<Goal> match, String wanted) throws RejectedByRule {
        return campaign.getGoals().stream().filter(match).findFirst()
                .orElseThrow(() -> new RejectedByRule(RejectionReason.UNKNOWN_GOAL,
                        wanted + " is not a goal of campaign " + campaign.getCampaignId()));
    }
}
