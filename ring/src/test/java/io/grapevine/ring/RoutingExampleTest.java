package io.grapevine.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The routing example of docs/ring.md, with a sink standing in for {@code node.views()}. */
class RoutingExampleTest {

    /** The documented snippet: where to send a request for {@code key}. */
    static Mono<InetSocketAddress> ownerOf(TokenRing ring, String key) {
        return ring.snapshots().next() // the latest ring (waits for the first view)
            .flatMap(s -> Mono.justOrEmpty(s.replicasFor(key.getBytes(StandardCharsets.UTF_8)).stream().findFirst()))
            .map(Member::address);
    }

    @Test
    void routesARequestToThePrimaryReplicaOfItsKey() {
        Sinks.Many<MembershipView> views = Sinks.many().replay().latest();
        Flux<MembershipView> nodeViews = views.asFlux(); // node.views() in the documentation
        RingConfig config = RingConfig.builder().replicationFactor(3).zoneTag("zone").build();
        TokenRing ring = TokenRing.follow(nodeViews, config);
        try {
            List<Member> members = TestMembers.cluster(5);
            views.tryEmitNext(new MembershipView("node-0", 1, members));
            InetSocketAddress owner = ownerOf(ring, "user:42").block(Duration.ofSeconds(10));
            RingSnapshot expected = RingSnapshot.of(members, config);
            assertThat(owner).isEqualTo(expected.replicasFor("user:42".getBytes(StandardCharsets.UTF_8)).get(0).address());
            assertThat(ring.current().digest()).isEqualTo(expected.digest());
        } finally {
            ring.dispose();
        }
    }
}
