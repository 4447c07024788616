package io.grapevine.membership;

import static io.grapevine.membership.LoopbackCluster.WAIT;
import static io.grapevine.membership.LoopbackCluster.allAlive;
import static io.grapevine.membership.LoopbackCluster.await;
import static io.grapevine.membership.LoopbackCluster.stateIs;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * A member whose process is gone leaves its port closed, so the prober's TCP fallback ping is
 * refused: by default that starts the suspicion at once; with the option off the probe runs its
 * full interval as in memberlist. Real sockets on loopback.
 */
class RefusedConnectionTest {

    @Test
    void aRefusedFallbackPingSuspectsAtOnceAndIsCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership n1 = c.start("n1", b -> b.meterRegistry(meters));
            c.start("n2");
            await(n1, allAlive(2));

            c.nodes.get(1).shutdown().block(WAIT); // closes its UDP and TCP sockets, sends nothing
            await(n1, stateIs("n2", MemberState.DEAD));

            assertThat(refused(meters)).as("probes cut short by a refused connection").isPositive();
            assertThat(n1.stats().failedProbes()).isGreaterThanOrEqualTo((long) refused(meters));
        }
    }

    @Test
    void withTheOptionOffEveryProbeRunsItsInterval() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership n1 = c.start("n1", b -> b.meterRegistry(meters).suspectOnRefusedConnection(false));
            c.start("n2");
            await(n1, allAlive(2));

            c.nodes.get(1).shutdown().block(WAIT);
            await(n1, stateIs("n2", MemberState.DEAD));

            assertThat(refused(meters)).isZero();
            assertThat(meters.get("grapevine.membership.probes").tag("result", "failed").counter().count()).isPositive();
        }
    }

    private static double refused(SimpleMeterRegistry meters) {
        return meters.get("grapevine.membership.probes").tag("result", "refused").counter().count();
    }
}
