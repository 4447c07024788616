package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final HybridClock clock = new HybridClock(wall::get);

    @Test
    void timestampsIncreaseEvenWhenTheWallClockStandsStillOrGoesBack() {
        long a = clock.now();
        long b = clock.now();
        wall.addAndGet(-500);
        long c = clock.now();
        assertThat(b).isGreaterThan(a);
        assertThat(c).isGreaterThan(b);
        assertThat(HybridClock.physicalMillis(a)).isEqualTo(1_000_000);
        assertThat(HybridClock.logical(b)).isEqualTo(1);
    }

    @Test
    void followsTheWallClockWhenItAdvances() {
        clock.now();
        wall.addAndGet(10);
        long t = clock.now();
        assertThat(HybridClock.physicalMillis(t)).isEqualTo(1_000_010);
        assertThat(HybridClock.logical(t)).isZero();
    }

    @Test
    void aTimestampObservedFromAnotherNodeIsExceededByTheNextOne() {
        long remote = (1_000_000L + 5_000) << HybridClock.LOGICAL_BITS | 7;
        assertThat(clock.observe(remote)).isTrue();
        assertThat(clock.now()).isGreaterThan(remote);
    }

    @Test
    void aTimestampFarInTheFutureIsNotAdopted() {
        long remote = (1_000_000L + HybridClock.MAX_AHEAD_MILLIS + 1) << HybridClock.LOGICAL_BITS;
        assertThat(clock.observe(remote)).isFalse();
        assertThat(HybridClock.physicalMillis(clock.now())).isEqualTo(1_000_000);
    }
}
