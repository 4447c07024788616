package io.grapevine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.testkit.internal.EventQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The cluster's timer queue keeps the virtual-time scheduler's order: by due time, then FIFO. */
class EventQueueTest extends VirtualClockFixture {
    private final EventQueue queue = new EventQueue(time, errors::add);

    @Test
    void runsByDueTimeThenInTheOrderScheduledAndWorkForNowInTheSamePass() {
        queue.schedule(log("b"), TimeUnit.MILLISECONDS.toNanos(20));
        queue.schedule(log("a"), TimeUnit.MILLISECONDS.toNanos(10));
        queue.schedule(() -> {
            log("c").run();
            queue.schedule(log("c-now"), 0);
            queue.schedule(log("c-later"), TimeUnit.MILLISECONDS.toNanos(5));
        }, TimeUnit.MILLISECONDS.toNanos(20));
        queue.schedule(log("d"), TimeUnit.MILLISECONDS.toNanos(20));
        time.advanceTimeBy(Duration.ofMillis(19));
        assertThat(ran).containsExactly("10:a");
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(ran).containsExactly("10:a", "20:b", "20:c", "20:d", "20:c-now", "25:c-later");
    }

    @Test
    void workForNowScheduledFromOutsideRunsAtOnceAsOnTheVirtualTimeScheduler() {
        time.advanceTimeBy(Duration.ofMillis(7));
        queue.schedule(log("now"), 0);
        assertThat(ran).containsExactly("7:now");
    }

    @Test
    void aFailingTaskIsReportedAndTheRestRuns() {
        queue.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 1);
        queue.schedule(log("after"), 2);
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
        assertThat(ran).containsExactly("0:after");
    }

    @Test
    void manyRandomTimersComeOutSorted() {
        SplittableRandom random = new SplittableRandom(7);
        List<long[]> expected = new ArrayList<>();
        List<long[]> seen = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long delay = random.nextLong(1_000) * 1_000_000L;
            long[] entry = {delay, i};
            expected.add(entry);
            queue.schedule(() -> seen.add(entry), delay);
        }
        time.advanceTimeBy(Duration.ofSeconds(2));
        expected.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(queue.size()).isZero();
    }
}
