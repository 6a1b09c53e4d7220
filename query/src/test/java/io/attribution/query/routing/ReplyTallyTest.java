package io.attribution.query.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.attribution.query.protocol.InstanceReply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyTallyTest {

    @Test
    void aStandbyCoveringForAFailedHostGivesACompleteStaleAnswer() {
        ReplyTally collector = new ReplyTally(Set.of(0, 1, 2));
        collector.answered("a:1", answers(Map.of(0, 10L), Map.of()), List.of(0), false);
        collector.hostFailed("b:1", "ConnectException", List.of(1, 2));
        collector.answered("c:1", answers(Map.of(1, 11L, 2, 12L), Map.of()), List.of(1, 2), true);

        RoutedAnswer answer = collector.build();

        assertThat(answer.complete()).isTrue();
        assertThat(answer.byPartition()).containsOnlyKeys(0, 1, 2);
        assertThat(answer.stalePartitions()).containsExactly(1, 2);
        assertThat(answer.failedHosts()).containsEntry("b:1", "ConnectException");
        assertThat(answer.answeredBy()).containsEntry(0, "a:1").containsEntry(1, "c:1");
        assertThat(answer.unavailable()).isEmpty();
    }

    @Test
    void whatNobodyAnsweredIsMissingWithItsLatestReason() {
        ReplyTally collector = new ReplyTally(Set.of(0, 1, 2));
        collector.answered("a:1", answers(Map.of(0, 10L), Map.of(1, "NOT_ACTIVE")), List.of(0, 1), false);
        collector.unavailable(2, "NO_ACTIVE_HOST");
        collector.answered("c:1", answers(Map.of(), Map.of(1, "LAGGING")), List.of(1), true);

        RoutedAnswer answer = collector.build();

        assertThat(answer.complete()).isFalse();
        assertThat(answer.missingPartitions()).containsExactly(1, 2);
        assertThat(answer.unavailable()).containsEntry(1, "LAGGING at c:1").containsEntry(2, "NO_ACTIVE_HOST");
        assertThat(answer.stale()).isFalse();
    }

    @Test
    void aHostSilentAboutAPartitionLeavesItMissing() {
        ReplyTally collector = new ReplyTally(Set.of(4));
        collector.answered("a:1", answers(Map.of(), Map.of()), List.of(4), false);

        assertThat(collector.build().unavailable()).containsEntry(4, "NO_ANSWER at a:1");
    }

    @Test
    void anAnsweredPartitionIsNotUnansweredByALaterReason() {
        ReplyTally collector = new ReplyTally(Set.of(0));
        collector.answered("a:1", answers(Map.of(0, 1L), Map.of()), List.of(0), false);
        collector.unavailable(0, "NOT_ACTIVE");

        assertThat(collector.build().complete()).isTrue();
    }

    private static InstanceReply answers(Map<Integer, Long> values, Map<Integer, String> unavailable) {
        Map<Integer, JsonNode> json = new java.util.TreeMap<>();
        values.forEach((partition, value) -> json.put(partition, LongNode.valueOf(value)));
        return new InstanceReply(json, unavailable);
    }
}
