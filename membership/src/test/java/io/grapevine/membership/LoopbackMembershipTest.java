package io.grapevine.membership;

import static io.grapevine.membership.LoopbackCluster.WAIT;
import static io.grapevine.membership.LoopbackCluster.allAlive;
import static io.grapevine.membership.LoopbackCluster.await;
import static io.grapevine.membership.LoopbackCluster.stateIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Whole nodes on real UDP and TCP sockets on loopback. */
class LoopbackMembershipTest {

    @Test
    void fiveNodesConvergeAndEveryoneSeesEveryoneAlive() {
        try (LoopbackCluster c = new LoopbackCluster()) {
            for (int i = 1; i <= 5; i++) {
                c.start("n" + i);
            }
            for (Membership m : c.nodes) {
                MembershipView v = await(m, allAlive(5));
                assertThat(v.members()).extracting(Member::name).containsExactly("n1", "n2", "n3", "n4", "n5");
                assertThat(v.localName()).isEqualTo(m.local().name());
            }
        }
    }

    @Test
    void aShutDownNodeIsFailedEverywhereAndALeavingNodeIsLeft() {
        try (LoopbackCluster c = new LoopbackCluster()) {
            for (int i = 1; i <= 5; i++) {
                c.start("n" + i);
            }
            c.nodes.forEach(m -> await(m, allAlive(5)));
            List<MembershipEvent> seenByN1 = new CopyOnWriteArrayList<>();
            Disposable sub = c.nodes.get(0).events().subscribe(seenByN1::add);

            c.nodes.get(4).shutdown().block(WAIT);
            // The idiom from the README: shutdown() is lazy, so this leaves first.
            c.nodes.get(3).leave().then(c.nodes.get(3).shutdown()).block(WAIT);
            for (Membership m : c.nodes.subList(0, 3)) {
                await(m, stateIs("n5", MemberState.DEAD).and(stateIs("n4", MemberState.LEFT)));
            }
            // Events are delivered on their own thread: wait for them, then check what they said.
            reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(20))
                    .filter(t -> seenByN1.stream().anyMatch(e -> e.member().name().equals("n5")
                            && e.type() == MembershipEvent.Type.FAILED)
                            && seenByN1.stream().anyMatch(e -> e.member().name().equals("n4")
                            && e.type() == MembershipEvent.Type.LEFT))
                    .blockFirst(WAIT);
            sub.dispose();
            assertThat(seenByN1).filteredOn(e -> e.member().name().equals("n5")).extracting(MembershipEvent::type)
                    .contains(MembershipEvent.Type.FAILED);
            assertThat(seenByN1).filteredOn(e -> e.member().name().equals("n4")).extracting(MembershipEvent::type)
                    .containsExactly(MembershipEvent.Type.LEFT);
        }
    }

    @Test
    void aStuckSubscriberDoesNotStallTheProtocol() throws Exception {
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership n1 = c.start("n1");
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            // Subscribers that block forever on their first signal.
            Disposable stuckEvents = n1.events().subscribe(e -> awaitQuietly(release));
            Disposable stuckViews = n1.views().subscribe(v -> awaitQuietly(release));
            try {
                for (int i = 2; i <= 4; i++) {
                    c.start("n" + i);
                }
                c.nodes.get(3).shutdown().block(WAIT);
                // n1 still probes, gossips and detects the failure: its own view shows it.
                reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(20))
                        .filter(t -> n1.view().member("n4").map(m -> m.state() == MemberState.DEAD).orElse(false)
                                && n1.view().alive().size() == 3)
                        .blockFirst(WAIT);
                assertThat(n1.stats().probes()).isPositive();
            } finally {
                release.countDown();
                stuckEvents.dispose();
                stuckViews.dispose();
            }
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tagsAndBroadcastsReachEveryone() {
        try (LoopbackCluster c = new LoopbackCluster()) {
            for (int i = 1; i <= 4; i++) {
                c.start("n" + i, b -> b.tags(Map.of("zone", "a")));
            }
            c.nodes.forEach(m -> await(m, allAlive(4)));
            List<List<String>> received = new CopyOnWriteArrayList<>();
            List<Disposable> subs = c.nodes.stream().map(m -> {
                List<String> inbox = new CopyOnWriteArrayList<>();
                received.add(inbox);
                return m.messages().subscribe(b -> inbox.add(new String(b, StandardCharsets.UTF_8)));
            }).toList();

            c.nodes.get(2).setTags(Map.of("zone", "b", "role", "db")).block(WAIT);
            c.nodes.get(1).broadcast("hello".getBytes(StandardCharsets.UTF_8)).block(WAIT);
            byte[] big = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
            c.nodes.get(0).broadcast(big).block(WAIT);

            for (Membership m : c.nodes) {
                await(m, v -> LoopbackCluster.tagsOf(v, "n3").equals(Map.of("zone", "b", "role", "db")));
            }
            long incarnation = c.nodes.get(2).local().incarnation();
            assertThat(incarnation).isGreaterThan(1);
            // Every other node hears both messages: the small by gossip, the big by stream.
            for (int i = 0; i < 4; i++) {
                List<String> inbox = received.get(i);
                List<String> expected = new java.util.ArrayList<>();
                if (i != 1) {
                    expected.add("hello");
                }
                if (i != 0) {
                    expected.add("x".repeat(5000));
                }
                reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(20))
                        .filter(t -> inbox.containsAll(expected)).blockFirst(WAIT);
                assertThat(inbox).containsExactlyInAnyOrderElementsOf(expected);
            }
            subs.forEach(Disposable::dispose);
        }
    }

    @Test
    void aNodeWhoseSeedsAreDownStartsAndJoinsWhenASeedComesUp() throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort();
        }
        java.net.InetSocketAddress seed = new java.net.InetSocketAddress("127.0.0.1", port);
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership early = Membership.start(LoopbackCluster.fast("early").seeds(List.of(seed)).build()).block(WAIT);
            c.nodes.add(early);
            assertThat(early.view().live()).extracting(Member::name).containsExactly("early");
            Membership late = Membership.start(LoopbackCluster.fast("seed").bind(seed).build()).block(WAIT);
            c.nodes.add(late);
            await(early, allAlive(2));
            await(late, allAlive(2));
        }
    }

    @Test
    void aClusterThatCompressesEverythingItSendsConverges() {
        try (LoopbackCluster c = new LoopbackCluster()) {
            for (int i = 1; i <= 3; i++) {
                c.start("z" + i, b -> b.compressOutbound(true).tags(Map.of("role", "r".repeat(100))));
            }
            for (Membership m : c.nodes) {
                await(m, allAlive(3));
            }
            assertThat(c.nodes.get(0).stats().drops()).isZero();
        }
    }

    @Test
    void aRestartedNodeRejoinsUnderItsOldName() {
        try (LoopbackCluster c = new LoopbackCluster()) {
            for (int i = 1; i <= 3; i++) {
                c.start("n" + i);
            }
            c.nodes.forEach(m -> await(m, allAlive(3)));
            Membership old = c.nodes.get(2);
            java.net.InetSocketAddress addr = old.local().address();
            old.shutdown().block(WAIT);
            await(c.nodes.get(0), stateIs("n3", MemberState.DEAD));
            long deadIncarnation = c.nodes.get(0).view().member("n3").orElseThrow().incarnation();

            Membership again = Membership.start(LoopbackCluster.fast("n3").bind(addr)
                    .seeds(List.of(c.nodes.get(0).local().address())).build()).block(WAIT);
            c.nodes.set(2, again);
            for (Membership m : c.nodes) {
                MembershipView v = await(m, allAlive(3));
                assertThat(v.member("n3").orElseThrow().incarnation()).isGreaterThan(deadIncarnation);
            }
        }
    }
}
