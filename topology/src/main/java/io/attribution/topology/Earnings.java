package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RejectionReason;
import io.attribution.postback.PostbackParameters;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a conversion earns the network (revenue, from the advertiser) and costs it (payout, to the
 * affiliate), in the goal's currency.
 */
record Earnings(BigDecimal revenue, BigDecimal payout, String currency) {

    static Earnings of(Campaign campaign, Goal goal, PostbackParameters params) throws RejectedByRule {
        String currency = goal.getCurrency() != null ? goal.getCurrency() : campaign.getCurrency();
        Optional<String> sent = params.currency();
        if (sent.isPresent() && !sent.get().equals(currency)) {
            // No exchange rates are configured, and a guessed rate would be wrong to the cent.
            throw new RejectedByRule(RejectionReason.MALFORMED,
                    "currency " + sent.get() + " differs from the goal's currency " + currency);
        }
        Optional<BigDecimal> saleAmount = params.saleAmount();
        BigDecimal revenue = goal.getDynamicRevenue() && params.revenue().isPresent()
                ? Money.round(params.revenue().get(), currency)
                : amount("revenue", goal.getRevenueType(), goal.getRevenue(), saleAmount, currency);
        BigDecimal payout = amount("payout", goal.getPayoutType(), goal.getPayout(), saleAmount, currency);
        return new Earnings(revenue, payout, currency);
    }

    private static BigDecimal amount(String what, PayoutType type, BigDecimal configured,
                                     Optional<BigDecimal> saleAmount, String currency) throws RejectedByRule {
        if (type == PayoutType.FIXED) {
            return Money.round(configured, currency);
        }
        BigDecimal base = saleAmount.orElseThrow(() -> new RejectedByRule(RejectionReason.MALFORMED,
                PostbackParameters.SALE_AMOUNT + " is required: the goal's " + what + " is a percentage of it"));
        return Money.percentOf(configured, base, currency);
    }
}
