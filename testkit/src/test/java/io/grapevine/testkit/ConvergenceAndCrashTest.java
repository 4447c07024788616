package io.grapevine.testkit;

import static io.grapevine.membership.MembershipEvent.Type.FAILED;
import static io.grapevine.membership.MembershipEvent.Type.SUSPECTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.MemberState;
import io.grapevine.membership.MembershipConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hundred real nodes join from seeds, and every crash is found by every survivor in time. */
class ConvergenceAndCrashTest {

    @Test
    void hundredNodesConvergeFromSeeds() {
        try (SimulatedCluster c = SimulatedCluster.builder().nodes(100).seed(42).seedNodes(3).build()) {
            assertThat(c.converged()).isFalse();
            assertThat(c.advanceUntil(c::converged, Duration.ofMinutes(1))).isTrue();
            assertThat(c.now()).isLessThan(Duration.ofSeconds(30));
            for (SimulatedNode n : c.nodes()) {
                assertThat(n.view().alive()).hasSize(100);
                assertThat(n.traffic().bytesSent()).isPositive();
            }
            assertThat(c.errors()).isEmpty();
        }
    }

    @Test
    void nodesStartedAtRandomTimesAlsoConverge() {
        try (SimulatedCluster c = SimulatedCluster.builder().nodes(100).seed(7).startWithin(Duration.ofSeconds(20)).build()) {
            c.advance(Duration.ofSeconds(10));
            assertThat(c.converged()).isFalse();
            assertThat(c.advanceUntil(c::converged, Duration.ofMinutes(1))).isTrue();
        }
    }

    @Test
    void everyCrashIsFailedEverywhereWithinTheLifeguardBound() {
        int n = 100;
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(n).seed(3))) {
            LifeguardBounds bounds = LifeguardBounds.of(config(), n);
            List<String> crashed = new ArrayList<>();
            List<Long> crashTimes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String victim = c.node(10 + 17 * i).name();
                crashed.add(victim);
                crashTimes.add(c.now().toMillis());
                c.node(victim).crash();
                c.advance(Duration.ofSeconds(13));
            }
            c.advance(bounds.failedEverywhereBound());
            for (int i = 0; i < crashed.size(); i++) {
                String victim = crashed.get(i);
                long crashedAt = crashTimes.get(i);
                assertThat(Clusters.observers(c, victim, FAILED)).as("who found %s failed", victim)
                        .containsAll(Clusters.runningExcept(c));
                long everywhere = Clusters.last(c, victim, FAILED).orElseThrow() - crashedAt;
                long firstSuspicion = Clusters.first(c, victim, SUSPECTED).orElseThrow() - crashedAt;
                assertThat(everywhere).as("%s failed everywhere after (ms)", victim)
                        .isLessThanOrEqualTo(bounds.failedEverywhereBound().toMillis())
                        // Lifeguard: once suspected, the longest suspicion timeout plus gossip.
                        .isLessThanOrEqualTo(firstSuspicion + bounds.suspicionMax().toMillis()
                                + bounds.expectedDissemination().multipliedBy(3).toMillis());
                for (SimulatedNode s : c.running()) {
                    // Dead, or already reaped after the gossip-to-the-dead time.
                    assertThat(s.view().member(victim).map(m -> m.state()).orElse(MemberState.DEAD))
                            .isEqualTo(MemberState.DEAD);
                }
            }
            // Only the crashed were ever declared failed.
            assertThat(c.eventLog()).filteredOn(e -> e.type() == FAILED)
                    .allSatisfy(e -> assertThat(crashed).contains(e.subject()));
        }
    }

    @Test
    void noFalseFailureOverTenMinutesAtFivePercentLoss() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(100).seed(11))) {
            c.network().loss(0.05);
            c.advance(Duration.ofMinutes(10));
            assertThat(c.eventLog()).filteredOn(e -> e.type() == FAILED).isEmpty();
            assertThat(c.converged()).isTrue();
            Traffic t = c.traffic();
            assertThat(t.dropped()).as("the loss really happened").isGreaterThan(t.packetsSent() / 30);
            assertThat(c.errors()).isEmpty();
        }
    }

    static MembershipConfig config() {
        return MembershipConfig.builder().nodeName("x").bind(new InetSocketAddress("10.0.0.1", 7946)).build();
    }
}
