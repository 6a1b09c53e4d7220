package io.attribution.admin;

import io.attribution.avro.RejectionReason;

/**
 * What an advertiser should fix for each rejection reason, shown by the postback tester beside the
 * reason and its detail. One table, in one place; a switch without default, so a new reason does
 * not compile until it has its hint.
 */
final class RejectionHints {

    private RejectionHints() {
    }

    static String hint(RejectionReason reason) {
        return switch (reason) {
            case MISSING_CLICK_ID -> "Send click_id (or clickid, transaction_id): the value the landing URL"
                    + " received in its {click_id} macro.";
            case MALFORMED -> "A parameter is not well formed (see the detail): sale_amount and revenue are plain"
                    + " decimals like 49.90, currency is the goal's ISO 4217 code, status is approved, pending,"
                    + " rejected or cancelled; a PERCENT goal needs sale_amount.";
            case UNKNOWN_CLICK -> "No click has this click_id: pass on the click_id your landing page received,"
                    + " unchanged (no extra encoding, no truncation), from the same tracking link.";
            case CLICK_EXPIRED -> "The postback came after the campaign's attribution window: send it sooner after"
                    + " the click, or ask for a longer attribution_window_days.";
            case UNKNOWN_CAMPAIGN -> "The click's campaign is not known (deleted?): test with a campaign that exists.";
            case CAMPAIGN_PAUSED -> "The campaign is paused: resume it before sending conversions.";
            case UNKNOWN_GOAL -> "goal_value or goal_id names no goal of the campaign, or the campaign has no default"
                    + " goal: send one of the campaign's goals.";
            case GOAL_PAUSED -> "The goal is paused: resume it, or send another goal.";
            case DUPLICATE_TXN -> "This txn_id already converted with this status: send each order once, or a new"
                    + " status to update it.";
            case DUPLICATE_CONVERSION -> "The same postback was already received, or the click already converted"
                    + " this goal: send a txn_id per order, or check the campaign's multi_conversion mode.";
            case CAP_REACHED -> "The goal's daily or monthly cap is reached: the network caps it; nothing to fix in"
                    + " the postback.";
            case INVALID_TOKEN -> "Send the campaign's security_token (or token) exactly, and sign the request if the"
                    + " campaign has a signing secret (X-Signature, X-Signature-Timestamp).";
            case IP_NOT_ALLOWED -> "Your server's address is not on the campaign's allow-list: send from an allowed"
                    + " address, or ask for yours to be added. The tester fires from the admin server's address.";
            case LIMIT_EXCEEDED -> "The click or txn_id already holds as many postbacks or conversions as one may:"
                    + " use a new click.";
            case OTHER -> "A reason this version does not know: read the detail.";
        };
    }
}
