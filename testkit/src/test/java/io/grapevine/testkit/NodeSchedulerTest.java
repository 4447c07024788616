package io.grapevine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.testkit.internal.NodeScheduler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/** Pause, kill and cancellation of one node's work on the shared virtual clock. */
class NodeSchedulerTest extends VirtualClockFixture {
    private final NodeScheduler node = new NodeScheduler(time, errors::add, 2);

    @Test
    void workThatComesDueDuringAPauseRunsInOrderOnResume() {
        Scheduler.Worker w = node.createWorker();
        w.schedule(log("a"), 100, TimeUnit.MILLISECONDS);
        w.schedule(log("b"), 300, TimeUnit.MILLISECONDS);
        w.schedule(log("c"), 900, TimeUnit.MILLISECONDS);
        time.advanceTimeBy(Duration.ofMillis(50));
        node.pause();
        time.advanceTimeBy(Duration.ofMillis(450));
        assertThat(ran).isEmpty();
        assertThat(node.deliver(log("packet"))).isTrue();
        node.resume();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("500:a", "500:b", "500:packet", "900:c");
    }

    @Test
    void aPausedNodeHoldsABoundedNumberOfDeliveries() {
        node.pause();
        assertThat(node.deliver(log("1"))).isTrue();
        assertThat(node.deliver(log("2"))).isTrue();
        assertThat(node.deliver(log("3"))).isFalse();
        node.resume();
        assertThat(ran).containsExactly("0:1", "0:2");
    }

    @Test
    void periodicWorkKeepsItsGridAndRunsOnceForTicksMissedInAPause() {
        node.createWorker().schedulePeriodically(log("tick"), 1000, 1000, TimeUnit.MILLISECONDS);
        time.advanceTimeBy(Duration.ofMillis(2500));
        node.pause();
        time.advanceTimeBy(Duration.ofMillis(3000));
        node.resume();
        time.advanceTimeBy(Duration.ofMillis(1000));
        assertThat(ran).containsExactly("1000:tick", "2000:tick", "5500:tick", "6000:tick");
    }

    @Test
    void cancelledAndKilledWorkNeverRuns() {
        Scheduler.Worker w = node.createWorker();
        Disposable d = w.schedule(log("cancelled"), 10, TimeUnit.MILLISECONDS);
        w.schedule(log("killed"), 20, TimeUnit.MILLISECONDS);
        d.dispose();
        assertThat(d.isDisposed()).isTrue();
        time.advanceTimeBy(Duration.ofMillis(15));
        node.kill();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(node.deliver(log("late"))).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void aFailingTaskIsReportedAndTheClockGoesOn() {
        node.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 10, TimeUnit.MILLISECONDS);
        node.schedule(log("after"), 20, TimeUnit.MILLISECONDS);
        time.advanceTimeBy(Duration.ofMillis(30));
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
        assertThat(ran).containsExactly("20:after");
    }
}
