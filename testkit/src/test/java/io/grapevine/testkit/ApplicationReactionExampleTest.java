package io.grapevine.testkit;

import static io.grapevine.membership.MembershipEvent.Type.FAILED;

import io.grapevine.membership.Membership;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The worked example of docs/testkit.md: testing an application's reaction to a node failure. */
class ApplicationReactionExampleTest {

    /** The application under test: plans to move a member's work away once it has failed. */
    static final class FailoverPlanner {
        static Flux<String> plans(Membership membership) {
            return membership.events()
                    .filter(e -> e.type() == FAILED)
                    .map(e -> "move work of " + e.member().name());
        }
    }

    @Test
    void plansAFailoverWhenANodeCrashes() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(42).build()) {
            cluster.advanceUntil(cluster::converged, Duration.ofSeconds(30));
            Membership observer = cluster.node("node-000").membership();

            StepVerifier.create(FailoverPlanner.plans(observer))
                    .then(() -> cluster.node("node-003").crash())
                    .then(() -> cluster.advance(Duration.ofSeconds(30)))
                    .expectNext("move work of node-003")
                    .thenCancel()
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void sameWithStepVerifierDrivingTheClusterClock() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(42).build()) {
            cluster.advanceUntil(cluster::converged, Duration.ofSeconds(30));
            Membership observer = cluster.node("node-000").membership();

            StepVerifier.withVirtualTime(() -> FailoverPlanner.plans(observer), cluster::scheduler, Long.MAX_VALUE)
                    .then(() -> cluster.node("node-003").crash())
                    // Nothing before Lifeguard's suspicion timeout: no premature failover.
                    .expectNoEvent(Duration.ofSeconds(3))
                    .thenAwait(Duration.ofSeconds(30))
                    .expectNext("move work of node-003")
                    .thenCancel()
                    .verify(Duration.ofSeconds(10));
        }
    }
}
