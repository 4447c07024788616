package io.grapevine.membership.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuspicionTest {

    @Test
    void minTimeoutScalesWithLog10OfClusterSize() {
        // LAN: mult 4, interval 1 s
        assertThat(Suspicion.minTimeoutMillis(4, 1, 1000)).isEqualTo(4000);
        assertThat(Suspicion.minTimeoutMillis(4, 10, 1000)).isEqualTo(4000);
        assertThat(Suspicion.minTimeoutMillis(4, 100, 1000)).isEqualTo(8000);
        assertThat(Suspicion.minTimeoutMillis(4, 1000, 1000)).isEqualTo(12000);
        assertThat(Suspicion.minTimeoutMillis(4, 50, 1000)).isEqualTo(6792);
    }

    @Test
    void startsAtMaxAndShrinksLogarithmicallyWithConfirmations() {
        Suspicion s = new Suspicion("a", 2, 4000, 24000, 0);
        assertThat(s.timeoutMillis()).isEqualTo(24000);
        assertThat(s.confirm("a")).as("the accuser does not confirm itself").isFalse();
        assertThat(s.confirm("b")).isTrue();
        // max - log(2)/log(3) * (max - min) = 24000 - 0.6309 * 20000
        assertThat(s.timeoutMillis()).isEqualTo(11381);
        assertThat(s.confirm("b")).as("one confirmation per member").isFalse();
        assertThat(s.confirm("c")).isTrue();
        assertThat(s.timeoutMillis()).isEqualTo(4000);
        assertThat(s.confirm("d")).as("no more than k confirmations count").isFalse();
        assertThat(s.deadline()).isEqualTo(4000);
    }

    @Test
    void withNoExpectedConfirmationsTheTimeoutIsTheMinimum() {
        Suspicion s = new Suspicion("a", 0, 4000, 24000, 100);
        assertThat(s.deadline()).isEqualTo(4100);
        assertThat(s.confirm("b")).isFalse();
    }
}
