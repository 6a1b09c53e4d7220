package io.attribution.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code outcome} label each answer of the edge is counted under. */
class RequestOutcomeTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "200, accepted",
            "401, refused", "403, refused",
            "400, invalid", "404, invalid", "413, invalid", "414, invalid", "415, invalid", "431, invalid",
            "429, rate_limited",
            "503, unavailable",
            "500, error", "0, error"})
    void theStatusAloneDecidesTheOutcome(int status, String outcome) {
        assertThat(RequestOutcome.of(status).label()).isEqualTo(outcome);
    }
}
