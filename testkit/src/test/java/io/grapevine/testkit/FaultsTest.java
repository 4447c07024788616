package io.grapevine.testkit;

import static io.grapevine.membership.MembershipEvent.Type.FAILED;
import static io.grapevine.membership.MembershipEvent.Type.JOINED;
import static io.grapevine.membership.MembershipEvent.Type.SUSPECTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Process and network faults that a real cluster meets, and how the protocol rides them out. */
class FaultsTest {

    @Test
    void aNodeCutOffOneWayFromOnePeerIsNotDeclaredFailed() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(30).seed(5))) {
            String x = c.node(7).name();
            String y = c.node(8).name();
            // y's packets and streams never reach x; x still reaches y, and everyone else reaches both.
            c.network().cut(y, x);
            assertThat(c.network().reachable(y, x)).isFalse();
            assertThat(c.network().reachable(x, y)).isTrue();
            c.advance(Duration.ofMinutes(5));
            assertThat(c.eventLog()).filteredOn(e -> e.type() == FAILED).isEmpty();
            assertThat(c.converged()).isTrue();
            // The cut was real: y's direct probes of x failed and were rescued by indirect ones.
            assertThat(c.node(y).stats().failedProbes()).isZero();
            assertThat(c.node(y).traffic().dropped()).isPositive();
        }
    }

    @Test
    void aNodePausedForLessThanTheSuspicionTimeoutRefutesAndStays() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(30).seed(9))) {
            SimulatedNode x = c.node(4);
            long before = x.view().member(x.name()).orElseThrow().incarnation();
            x.pause(Duration.ofSeconds(4));
            assertThat(x.status()).isEqualTo(SimulatedNode.Status.PAUSED);
            c.advance(Duration.ofSeconds(4));
            assertThat(x.status()).isEqualTo(SimulatedNode.Status.RUNNING);
            c.advance(Duration.ofMinutes(1));
            assertThat(Clusters.observers(c, x.name(), SUSPECTED)).as("the pause was noticed").isNotEmpty();
            assertThat(Clusters.about(c, x.name(), FAILED)).isEmpty();
            assertThat(x.stats().refutations()).isPositive();
            assertThat(c.converged()).isTrue();
            for (SimulatedNode n : c.running()) {
                Member seen = n.view().member(x.name()).orElseThrow();
                assertThat(seen.state()).isEqualTo(MemberState.ALIVE);
                assertThat(seen.incarnation()).isGreaterThan(before);
            }
        }
    }

    @Test
    void aNodePausedForLongerIsFailedThenComesBack() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(30).seed(9))) {
            SimulatedNode x = c.node(4);
            x.pause(Duration.ofMinutes(2));
            c.advance(Duration.ofMinutes(2));
            assertThat(Clusters.observers(c, x.name(), FAILED)).containsAll(Clusters.runningExcept(c, x.name()));
            assertThat(c.advanceUntil(c::converged, Duration.ofMinutes(2))).isTrue();
        }
    }

    @Test
    void aPartitionIsDetectedOnBothSidesAndHealsIntoOneView() {
        int n = 40;
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(n).seed(21))) {
            List<String> all = c.nodes().stream().map(SimulatedNode::name).toList();
            List<String> left = all.subList(0, n / 2);
            List<String> right = all.subList(n / 2, n);
            c.network().partition(left, right);
            c.advance(Duration.ofMinutes(2));
            // Each side holds the whole other side failed.
            for (String a : left) {
                assertThat(liveIn(c.node(a))).containsExactlyInAnyOrderElementsOf(left);
            }
            for (String b : right) {
                assertThat(liveIn(c.node(b))).containsExactlyInAnyOrderElementsOf(right);
            }
            long healedAt = c.now().toMillis();
            c.network().heal();
            // The Reconnector push/pulls a remembered failed member every reconnect interval (30 s).
            assertThat(c.advanceUntil(c::converged, Duration.ofMinutes(2))).isTrue();
            assertThat(c.now().toMillis() - healedAt).isLessThanOrEqualTo(Duration.ofSeconds(70).toMillis());
            assertThat(c.eventLog()).filteredOn(e -> e.type() == JOINED && e.timeMillis() >= healedAt)
                    .isNotEmpty();
        }
    }

    @Test
    void aCrashedNodeRestartsWithItsNameAndAddressAndIsSeenAliveAgain() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(20).seed(13))) {
            SimulatedNode x = c.node(6);
            x.crash();
            c.advance(Duration.ofSeconds(40));
            assertThat(Clusters.observers(c, x.name(), FAILED)).containsAll(Clusters.runningExcept(c, x.name()));
            x.restart();
            assertThat(x.generation()).isEqualTo(1);
            assertThat(c.advanceUntil(c::converged, Duration.ofMinutes(1))).isTrue();
            // It refuted the death the cluster remembered by taking a higher incarnation.
            assertThat(c.node(0).view().member(x.name()).orElseThrow().incarnation()).isGreaterThan(1);
        }
    }

    @Test
    void aNewNodeJoinsARunningCluster() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(20).seed(17))) {
            SimulatedNode x = c.addNode();
            assertThat(c.advanceUntil(c::converged, Duration.ofSeconds(30))).isTrue();
            assertThat(Clusters.observers(c, x.name(), JOINED)).containsAll(Clusters.runningExcept(c, x.name()));
            assertThat(c.node(0).view().alive()).hasSize(21);
        }
    }

    @Test
    void aGracefulLeaveIsSeenAsLeftNotFailed() {
        try (SimulatedCluster c = Clusters.converged(SimulatedCluster.builder().nodes(10).seed(19))) {
            SimulatedNode x = c.node(3);
            x.leave().subscribe();
            c.advance(Duration.ofSeconds(10));
            assertThat(x.status()).isEqualTo(SimulatedNode.Status.LEFT);
            assertThat(Clusters.about(c, x.name(), FAILED)).isEmpty();
            assertThat(c.node(0).view().member(x.name()).orElseThrow().state()).isEqualTo(MemberState.LEFT);
        }
    }

    private static Set<String> liveIn(SimulatedNode n) {
        return n.view().live().stream().map(Member::name).collect(Collectors.toSet());
    }
}
