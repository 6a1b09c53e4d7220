package io.attribution.connect.postbacks;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AffiliatePostbackTest {

    private static final PostbackTemplate TEMPLATE =
            PostbackTemplate.parse("https://a.example/?c={click_id}", PostbackTemplate.Method.GET);

    private static Conversion conversion(String status, String previousStatus) {
        return new Conversion("conv", "click", "camp", "aff", "goal", "goal", "txn", status, previousStatus,
                BigDecimal.ONE, "USD", Map.of());
    }

    @Test
    void newConversionsFireWhenTheirStatusIsWanted() {
        AffiliatePostback approvedOnly = new AffiliatePostback("aff", TEMPLATE, Set.of("APPROVED"), false);

        assertThat(approvedOnly.fires(conversion("APPROVED", null))).isTrue();
        assertThat(approvedOnly.fires(conversion("PENDING", null))).isFalse();
        assertThat(approvedOnly.fires(conversion("REJECTED", null))).isFalse();
    }

    @Test
    void updatesOfAConversionAlreadyReportedFireOnlyForAffiliatesThatAskedForThem() {
        AffiliatePostback withUpdates = new AffiliatePostback("aff", TEMPLATE, Set.of("APPROVED"), true);
        AffiliatePostback withoutUpdates = new AffiliatePostback("aff", TEMPLATE, Set.of("APPROVED"), false);

        // A reversal and a chargeback of an approved conversion.
        assertThat(withUpdates.fires(conversion("REJECTED", "APPROVED"))).isTrue();
        assertThat(withUpdates.fires(conversion("CANCELLED", "APPROVED"))).isTrue();
        assertThat(withoutUpdates.fires(conversion("REJECTED", "APPROVED"))).isFalse();
        assertThat(withoutUpdates.fires(conversion("CANCELLED", "APPROVED"))).isFalse();
    }

    @Test
    void anUpdateIntoAWantedStatusFromAnUnwantedOneIsTheFirstTheAffiliateHearsOfIt() {
        AffiliatePostback approvedOnly = new AffiliatePostback("aff", TEMPLATE, Set.of("APPROVED"), false);
        AffiliatePostback both = new AffiliatePostback("aff", TEMPLATE, Set.of("APPROVED", "PENDING"), false);

        assertThat(approvedOnly.fires(conversion("APPROVED", "PENDING"))).isTrue();
        // Told about the pending conversion already: its approval is an update.
        assertThat(both.fires(conversion("APPROVED", "PENDING"))).isFalse();
        // Never told, still nothing to tell.
        assertThat(approvedOnly.fires(conversion("REJECTED", "PENDING"))).isFalse();
    }
}
