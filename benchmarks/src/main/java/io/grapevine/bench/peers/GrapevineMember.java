package io.grapevine.bench.peers;

import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.Profile;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One or more Grapevine members (LAN profile) in one JVM, as a child process of the
 * {@code peers} benchmark; it reports in the {@link PeerLines} protocol.
 *
 * <pre>
 * java -cp grapevine-benchmarks.jar io.grapevine.bench.peers.GrapevineMember \
 *      --node g0@7946 [--node g1@7947 ...] [--seed 127.0.0.1:7946]
 * </pre>
 * Every member binds 127.0.0.1. A member whose port is the seed's joins nobody. The process
 * exits when its standard input ends.
 */
public final class GrapevineMember {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private GrapevineMember() {
    }

    /**
     * @param args the options above
     */
    public static void main(String[] args) {
        List<String[]> nodes = new ArrayList<>();
        int seedPort = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--node" -> nodes.add(args[i + 1].split("@", 2));
                case "--seed" -> seedPort = Integer.parseInt(args[i + 1].substring(args[i + 1].lastIndexOf(':') + 1));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one --node name@port");
        }
        List<Membership> running = new CopyOnWriteArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Flux.fromIterable(running)
                .flatMap(Membership::shutdown)
                .then()
                .block(SHUTDOWN_TIMEOUT)));
        int seed = seedPort;
        // The seed (if hosted here) first, so that the others find someone to join.
        List<String[]> ordered = new ArrayList<>(nodes);
        ordered.sort((a, b) -> Boolean.compare(Integer.parseInt(b[1]) == seed, Integer.parseInt(a[1]) == seed));
        Mono<Void> first = start(ordered.get(0), seed, running);
        first.then(Flux.fromIterable(ordered.subList(1, ordered.size()))
                        .flatMap(n -> start(n, seed, running))
                        .then())
                .block();
        PeerLines.awaitEndOfInput();
        System.exit(0);
    }

    private static Mono<Void> start(String[] node, int seedPort, List<Membership> running) {
        String name = node[0];
        int port = Integer.parseInt(node[1]);
        MembershipConfig.Builder config = MembershipConfig.builder()
                .nodeName(name)
                .profile(Profile.LAN)
                .bind(new InetSocketAddress("127.0.0.1", port));
        if (seedPort > 0 && seedPort != port) {
            config.seeds(List.of(new InetSocketAddress("127.0.0.1", seedPort)));
        }
        return Membership.start(config.build()).doOnNext(m -> {
            running.add(m);
            PeerLines.ready(name);
            report(name, m);
        }).then();
    }

    private static void report(String name, Membership m) {
        AtomicInteger lastAlive = new AtomicInteger(-1);
        m.views().subscribe(view -> {
            int alive = view.alive().size();
            if (lastAlive.getAndSet(alive) != alive) {
                PeerLines.alive(name, alive);
            }
        });
        m.events().subscribe(e -> {
            if (e.type() == MembershipEvent.Type.SUSPECTED) {
                PeerLines.suspect(name, e.member().name());
            } else if (e.type() == MembershipEvent.Type.FAILED || e.type() == MembershipEvent.Type.LEFT) {
                PeerLines.failed(name, e.member().name());
            }
        });
    }
}
