package io.grapevine.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Keyring;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The mixed cluster with serf's {@code -encrypt}: every member alive, and a node holding the
 * wrong key rejected in both directions and on both transports, counted, and never admitted.
 *
 * <p>A wrong-key node that knows nobody only ever sends TCP (its join). To make one send UDP as
 * well, its keyring also holds the cluster key as a secondary key: it can then read a cluster
 * member's push/pull ({@code serf join} run on {@code s1} towards it), learns the members, and
 * probes and gossips to them, everything sealed with its wrong primary key. Its replies are
 * sealed with the wrong key too, so that join fails and no member ever admits it.
 */
@RequiresSerf
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SerfEncryptedClusterTest {
    /** The cluster key (32 bytes, as {@code serf keygen} makes). */
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /** A key nobody in the cluster holds. */
    static final String WRONG_KEY = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";
    private static final Duration REJECTION = Duration.ofSeconds(20);
    /** What serf's memberlist logs for a TCP stream it cannot open. */
    private static final String SERF_TCP_REJECT =
            "memberlist: failed to receive: No installed keys could decrypt the message";
    /** What serf's memberlist logs for a UDP packet it cannot open, followed by the sender's address. */
    private static final String SERF_UDP_REJECT =
            "memberlist: Decrypt packet failed: No installed keys could decrypt the message from=";

    private final Path dir = MixedCluster.logDir(getClass());
    private MixedCluster cluster;
    private final List<AutoCloseable> rogues = new ArrayList<>();

    @BeforeAll
    void startCluster() throws Exception {
        cluster = MixedCluster.start(dir, KEY);
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (AutoCloseable rogue : rogues) {
            rogue.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void allSixAliveWithEncryption() throws Exception {
        Duration took = cluster.awaitAllAlive();
        System.out.printf("encrypted mixed cluster converged in %d ms%n", took.toMillis());
        for (SerfAgent agent : cluster.serfAgents()) {
            assertThat(agent.tags()).as("tags in serf members on %s", agent.name()).isEqualTo(cluster.expectedTags());
            assertThat(agent.log()).as("%s never failed to decrypt a cluster member", agent.name())
                    .doesNotContain("No installed keys could decrypt");
        }
        assertThat(decryptDrops("g1") + decryptDrops("g2")).as("decrypt drops in the healthy cluster").isZero();
    }

    @Test
    @Order(2)
    void grapevineNodeWithWrongKeyIsRejectedOverTcpBySerfAndByGrapevine() throws Exception {
        SerfAgent s1 = cluster.serf("s1");
        long serfRejectsBefore = count(s1.log(), SERF_TCP_REJECT);
        long g1DropsBefore = decryptDrops("g1");
        long g1StreamsBefore = cluster.tap("g1").streams();

        Membership rogue = startRogue("rogue-g-tcp", Keyring.fromBase64(WRONG_KEY), s1.address(), cluster.addressOf("g1"));

        Await.until("s1 rejects rogue-g-tcp's join stream", REJECTION, s1::log,
                log -> count(log, SERF_TCP_REJECT) > serfRejectsBefore);
        Await.until("g1 counts rogue-g-tcp's join stream as a decrypt drop", REJECTION, () -> decryptDrops("g1"),
                drops -> drops > g1DropsBefore);
        assertThat(cluster.tap("g1").streams()).as("streams g1 received").isGreaterThan(g1StreamsBefore);
        assertThat(cluster.tap("g1").datagramsFrom(rogue.local().address()))
                .as("a node that joined nobody sends no datagrams").isZero();
        assertThat(rogue.members()).as("rogue-g-tcp's own view: nobody let it in").hasSize(1);
        assertClusterUnaffected();
    }

    @Test
    @Order(3)
    void serfAgentWithWrongKeyIsRejectedOverTcpByGrapevine() throws Exception {
        long g1DropsBefore = decryptDrops("g1");
        SerfAgent rogue = startRogue(SerfAgent.Spec.of("rogue-s-tcp", Map.of()).encrypted(WRONG_KEY));

        Cli.Result join = rogue.join(cluster.addressOf("g1"));

        assertThat(join.ok()).as("serf join through g1 with the wrong key: %s", join.output()).isFalse();
        assertThat(decryptDrops("g1")).as("g1's decrypt drops").isGreaterThan(g1DropsBefore);
        assertThat(rogue.view()).as("rogue-s-tcp's own serf members").containsOnlyKeys("rogue-s-tcp");
        assertClusterUnaffected();
    }

    @Test
    @Order(4)
    void grapevineNodeWithWrongKeyIsRejectedOverUdpBySerf() throws Exception {
        Membership rogue = startRogue("rogue-g-udp", Keyring.fromBase64(WRONG_KEY, KEY));
        InetSocketAddress rogueAddress = rogue.local().address();
        long g1DropsBefore = decryptDrops("g1");

        Cli.Result join = cluster.serf("s1").join(rogueAddress);
        assertThat(join.ok()).as("s1 cannot read rogue-g-udp's push/pull reply: %s", join.output()).isFalse();
        Await.until("rogue-g-udp learns the members from s1's push/pull", REJECTION, rogue::members,
                members -> members.size() > 1);

        String udpReject = SERF_UDP_REJECT + Ports.hostPort(rogueAddress);
        for (SerfAgent agent : cluster.serfAgents()) {
            Await.until(agent.name() + " rejects rogue-g-udp's packets", REJECTION, agent::log,
                    log -> log.contains(udpReject));
        }
        Await.until("g1 drops rogue-g-udp's packets", REJECTION,
                () -> cluster.tap("g1").datagramsFrom(rogueAddress), n -> n > 0);
        assertThat(decryptDrops("g1")).as("g1's decrypt drops").isGreaterThan(g1DropsBefore);
        assertClusterUnaffected();
    }

    @Test
    @Order(5)
    void serfAgentWithWrongKeyIsRejectedOverUdpByGrapevine() throws Exception {
        Path keyring = dir.resolve("rogue-s-udp.keyring.json");
        Files.writeString(keyring, "[\"" + WRONG_KEY + "\", \"" + KEY + "\"]");
        SerfAgent rogue = startRogue(SerfAgent.Spec.of("rogue-s-udp", Map.of()).keyring(keyring));
        long g1DropsBefore = decryptDrops("g1");
        long g2DropsBefore = decryptDrops("g2");

        Cli.Result join = cluster.serf("s1").join(rogue.address());
        assertThat(join.ok()).as("s1 cannot read rogue-s-udp's push/pull reply: %s", join.output()).isFalse();
        Await.until("rogue-s-udp learns the members from s1's push/pull", REJECTION, rogue::view,
                view -> view.keySet().containsAll(MixedCluster.NAMES));

        for (String g : List.of("g1", "g2")) {
            Await.until(g + " receives rogue-s-udp's packets", REJECTION,
                    () -> cluster.tap(g).datagramsFrom(rogue.address()), n -> n > 0);
        }
        Await.until("g1 and g2 count them as decrypt drops", REJECTION, () -> List.of(decryptDrops("g1"), decryptDrops("g2")),
                drops -> drops.get(0) > g1DropsBefore && drops.get(1) > g2DropsBefore);
        System.out.printf("decrypt drops after the wrong-key nodes: g1 %s, g2 %s%n",
                cluster.grapevine("g1").stats().dropsByReason(), cluster.grapevine("g2").stats().dropsByReason());
        assertClusterUnaffected();
    }

    /** Every member still sees exactly the six, all alive: no wrong-key node got in, nobody was hurt. */
    private void assertClusterUnaffected() throws Exception {
        cluster.awaitAllAlive();
        for (ClusterObserver o : cluster.observers()) {
            assertThat(o.view()).as("view of %s", o).containsOnlyKeys(MixedCluster.NAMES);
        }
    }

    private Membership startRogue(String name, Keyring keyring, InetSocketAddress... seeds) {
        Membership rogue = Membership.start(MembershipConfig.builder()
                .nodeName(name)
                .bind(Ports.loopback(0))
                .seeds(List.of(seeds))
                .keyring(keyring)
                .joinRetry(Duration.ofMillis(500), Duration.ofSeconds(2))
                .build()).block(MixedCluster.START);
        rogues.add(() -> rogue.shutdown().block(MixedCluster.START));
        return rogue;
    }

    private SerfAgent startRogue(SerfAgent.Spec spec) throws IOException {
        SerfAgent rogue = SerfAgent.start(spec, dir);
        rogues.add(rogue);
        return rogue;
    }

    private long decryptDrops(String grapevineNode) {
        return cluster.grapevine(grapevineNode).stats().dropsByReason().getOrDefault("decrypt", 0L);
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
