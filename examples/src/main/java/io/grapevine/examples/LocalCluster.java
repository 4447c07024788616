package io.grapevine.examples;

import io.grapevine.membership.Member;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipView;
import io.grapevine.membership.Profile;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.grapevine.membership.MembershipEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Starts three nodes on loopback and prints what the first one sees, as it happens: the cluster
 * forming, a tag change, one node leaving gracefully and one stopping without a word.
 *
 * <p>Run: {@code java -jar examples/target/grapevine-examples.jar}
 */
public final class LocalCluster {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private LocalCluster() {
    }

    /**
     * @param args unused
     * @throws InterruptedException if interrupted while pausing between steps
     */
    public static void main(String[] args) throws InterruptedException {
        List<Membership> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            MembershipConfig.Builder config = MembershipConfig.builder()
                    .nodeName("n" + i)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .profile(Profile.LOCAL)
                    .tags(Map.of("zone", "z" + i));
            if (!nodes.isEmpty()) {
                config.seeds(List.of(nodes.get(0).local().address()));
            }
            Membership node = Membership.start(config.build()).block(Duration.ofSeconds(10));
            nodes.add(node);
            say("started " + node.local().name() + " on " + node.local().address());
        }
        Membership watcher = nodes.get(0);
        Disposable views = watcher.views().subscribe(LocalCluster::print);
        Disposable events = watcher.events().subscribe(e -> say("event  " + e.type() + " " + e.member().name()));

        pause(3);
        say("n2 changes its tags");
        nodes.get(1).setTags(Map.of("zone", "z2", "role", "cache")).block();
        pause(2);
        say("n3 leaves gracefully");
        nodes.get(2).leave().then(nodes.get(2).shutdown()).block();
        pause(2);
        say("n2 stops without a word; n1 detects the failure (Lifeguard: suspect, then failed)");
        Mono<MembershipEvent> failed = watcher.events()
                .filter(e -> e.type() == MembershipEvent.Type.FAILED && e.member().name().equals("n2"))
                .next()
                .cache();
        failed.subscribe();
        nodes.get(1).shutdown().block();
        failed.timeout(Duration.ofSeconds(60)).block();
        pause(1);

        views.dispose();
        events.dispose();
        watcher.shutdown().block();
        say("done");
    }

    private static void print(MembershipView view) {
        String members = view.members().stream()
                .map(m -> m.name() + "=" + m.state() + tags(m))
                .collect(Collectors.joining(", "));
        say("view #" + view.version() + " of " + view.localName() + ": " + members);
    }

    private static String tags(Member m) {
        return m.tags().isEmpty() ? "" : m.tags().toString();
    }

    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }

    private static void say(String line) {
        System.out.println(LocalTime.now().format(TIME) + "  " + line);
    }
}
