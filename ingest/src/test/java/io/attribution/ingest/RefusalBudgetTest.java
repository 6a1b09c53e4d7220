package io.attribution.ingest;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalBudgetTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void aSecondsWorthAtOnceThenTheRatePerSecond() {
        RefusalBudget budget = new RefusalBudget(10, nanos::get);

        assertThat(taken(budget, 50)).isEqualTo(10);
        nanos.addAndGet(500_000_000L);
        assertThat(taken(budget, 50)).isEqualTo(5);
        nanos.addAndGet(60_000_000_000L);
        assertThat(taken(budget, 50)).as("never more than a second's worth saved up").isEqualTo(10);
    }

    @Test
    void aBudgetOfZeroRecordsNothing() {
        assertThat(taken(new RefusalBudget(0, nanos::get), 5)).isZero();
    }

    private static long taken(RefusalBudget budget, int tries) {
        return IntStream.range(0, tries).filter(i -> budget.tryTake()).count();
    }
}
