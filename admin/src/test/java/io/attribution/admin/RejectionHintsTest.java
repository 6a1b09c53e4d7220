package io.attribution.admin;

import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The tester's "what to fix" table: one hint per rejection reason, each its own. */
class RejectionHintsTest {

    @ParameterizedTest
    @EnumSource(RejectionReason.class)
    void everyReasonHasAHint(RejectionReason reason) {
        assertThat(RejectionHints.hint(reason)).isNotBlank().endsWith(".");
    }

    @Test
    void noTwoReasonsShareAHint() {
        assertThat(Arrays.stream(RejectionReason.values()).map(RejectionHints::hint)).doesNotHaveDuplicates();
    }

    @Test
    void theHintsNameWhatToSend() {
        assertThat(RejectionHints.hint(RejectionReason.MISSING_CLICK_ID)).contains("click_id");
        assertThat(RejectionHints.hint(RejectionReason.INVALID_TOKEN)).contains("security_token");
        assertThat(RejectionHints.hint(RejectionReason.UNKNOWN_GOAL)).contains("goal_value");
    }
}
