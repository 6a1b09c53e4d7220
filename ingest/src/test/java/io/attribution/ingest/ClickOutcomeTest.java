package io.attribution.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code outcome} label each answer of {@code /click} is counted under. */
class ClickOutcomeTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "302, redirected",
            "404, unknown_campaign", "410, campaign_paused", "409, no_landing_url",
            "400, invalid", "405, invalid", "414, invalid", "431, invalid",
            "429, rate_limited",
            "503, unavailable",
            "200, error", "500, error", "0, error"})
    void theStatusAloneDecidesTheOutcome(int status, String outcome) {
        assertThat(ClickOutcome.of(status).label()).isEqualTo(outcome);
    }
}
