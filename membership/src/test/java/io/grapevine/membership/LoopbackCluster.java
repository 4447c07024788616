package io.grapevine.membership;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;

/** Real nodes on loopback with fast timings, for tests; closes every node it started. */
final class LoopbackCluster implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    final List<Membership> nodes = new ArrayList<>();

    static MembershipConfig.Builder fast(String name) {
        return MembershipConfig.builder()
                .nodeName(name)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .probeInterval(Duration.ofMillis(200))
                .probeTimeout(Duration.ofMillis(100))
                .gossipInterval(Duration.ofMillis(50))
                .suspicionMult(3)
                .gossipToTheDead(Duration.ofSeconds(5))
                .pushPullInterval(Duration.ofSeconds(2))
                .streamTimeout(Duration.ofSeconds(2))
                .joinRetry(Duration.ofMillis(100), Duration.ofMillis(500))
                .leaveTimeout(Duration.ofSeconds(3));
    }

    Membership start(String name, UnaryOperator<MembershipConfig.Builder> tweak) {
        MembershipConfig.Builder b = fast(name);
        if (!nodes.isEmpty()) {
            b.seeds(List.of(nodes.get(0).local().address()));
        }
        Membership m = Membership.start(tweak.apply(b).build()).block(WAIT);
        nodes.add(m);
        return m;
    }

    Membership start(String name) {
        return start(name, b -> b);
    }

    static MembershipView await(Membership node, Predicate<MembershipView> condition) {
        return node.views().filter(condition).blockFirst(WAIT);
    }

    static Predicate<MembershipView> stateIs(String name, MemberState state) {
        return v -> v.member(name).map(m -> m.state() == state).orElse(false);
    }

    static Predicate<MembershipView> allAlive(int n) {
        return v -> v.alive().size() == n;
    }

    static Map<String, String> tagsOf(MembershipView v, String name) {
        return v.member(name).map(Member::tags).orElse(Map.of());
    }

    static <T> T first(Flux<T> flux, Predicate<T> p) {
        return flux.filter(p).blockFirst(WAIT);
    }

    @Override
    public void close() {
        Flux.fromIterable(nodes).flatMap(Membership::shutdown).blockLast(WAIT);
    }
}
