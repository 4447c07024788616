package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end proof with real node processes on loopback: a 5-node cluster with data
 * directories loses a node to SIGKILL, keeps taking writes, gets the node back and repairs it;
 * then a sixth node joins and a node leaves, without losing an acknowledged write.
 *
 * <p>Nodes run the LOCAL membership profile and a failed grace period of zero, so a killed node's
 * ranges move to other members as soon as it is declared failed (and move back when it returns):
 * the harder path for repair. Node logs are kept in {@code <build dir>/e2e/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2ETest {
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, KvClient> clients = new LinkedHashMap<>();
    private final Workload load = new Workload();
    private Path dir;
    private long stepStart = System.nanoTime();

    /** Prints how long the previous step took, to see where an end-to-end run spends its time. */
    private void step(String done) {
        long now = System.nanoTime();
        System.out.printf("[e2e] %-60s %6.1f s%n", done, (now - stepStart) / 1e9);
        stepStart = now;
    }

    private List<String> options(String name) {
        return List.of("--profile", "local", "--failed-grace", "0s", "--repair-interval", "1h", "--request-timeout", "5s",
            "--data-dir", dir.resolve("data").resolve(name).toString());
    }

    @BeforeAll
    void startCluster() throws Exception {
        Path build = Path.of(ClusterE2ETest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        dir = build.resolve("e2e").resolve("cluster-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        NodeProcess first = NodeProcess.start("n1", dir, options("n1")).awaitReady(READY);
        add(first);
        List<NodeProcess> rest = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            rest.add(NodeProcess.start("n" + i, dir, seeded(options("n" + i), first)));
        }
        for (NodeProcess p : rest) {
            add(p.awaitReady(READY));
        }
        Workload.agreedRing(clients, CONVERGE);
        step("5 node processes up, ring agreed");
    }

    private static List<String> seeded(List<String> options, NodeProcess seed) {
        List<String> o = new ArrayList<>(options);
        o.add("--seeds");
        o.add(seed.gossip());
        return o;
    }

    private void add(NodeProcess p) {
        nodes.put(p.name, p);
        clients.put(p.name, KvClient.create(p.http(), Duration.ofSeconds(10), 32));
    }

    private void remove(String name) {
        nodes.remove(name);
        clients.remove(name).close();
    }

    private List<KvClient> coordinators(String... names) {
        List<KvClient> out = new ArrayList<>();
        for (String n : names) {
            out.add(clients.get(n));
        }
        return out;
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        clients.values().forEach(KvClient::close);
        for (NodeProcess p : nodes.values()) {
            p.stop();
        }
    }

    @Test
    @Order(1)
    void aKilledNodeLosesNoAcknowledgedWriteAndIsRepairedAfterRestart() throws Exception {
        load.write(coordinators("n1", "n2", "n3", "n4", "n5"), 0, 10_000, 64);
        step("10,000 writes, w=2");
        assertThat(load.acked.size()).as("with every node up, every write is acknowledged: %s", load.reasons)
            .isEqualTo(10_000);

        NodeProcess n3 = nodes.get("n3");
        n3.kill();
        List<KvClient> live = coordinators("n1", "n2", "n4", "n5");
        load.write(live, 10_000, 12_000, 64);
        step("n3 SIGKILLed, 2,000 more writes");
        assertThat(load.acked.size()).as("w=2 of RF 3 with one node down: %s", load.reasons).isEqualTo(12_000);
        load.assertReadable(live);
        step("12,000 acknowledged writes read back with r=2");

        n3.restart().awaitReady(READY);
        clients.put("n3", KvClient.create(n3.http(), Duration.ofSeconds(10), 32)).close();
        step("n3 restarted on its data dir");
        load.awaitOnEveryReplica(clients, CONVERGE);
        step("every key on each of its 3 replicas (?local=true)");

        JsonNode repair = clients.get("n3").stats().block().json().path("repair");
        assertThat(repair.path("sessions").asLong()).isPositive();
        assertThat(repair.path("entriesReceived").asLong()).as("n3 missed the writes made while it was down").isPositive();
        assertThat(repair.path("byReason").path("rangeGained").asLong()).isPositive();
    }

    @Test
    @Order(2)
    void aJoiningNodeTakesItsRangesOverAndALeavingNodeHandsThemOver() throws Exception {
        Workload.Background writer = load.writeInBackground(coordinators("n1", "n2", "n4", "n5"), 100_000, 50_000);
        NodeProcess n6 = NodeProcess.start("n6", dir, seeded(options("n6"), nodes.get("n1"))).awaitReady(READY);
        add(n6);
        Workload.agreedRing(clients, CONVERGE);
        writer.stop();
        step("n6 joined while writing (" + load.acked.size() + " acknowledged so far)");
        load.awaitOnEveryReplica(clients, CONVERGE);
        step("every key on each of its 3 replicas in the 6-node ring");
        JsonNode stats = clients.get("n6").stats().block().json();
        assertThat(stats.path("keys").asLong()).as("n6 holds its share").isGreaterThan(load.acked.size() / 6);
        assertThat(stats.path("repair").path("entriesReceived").asLong()).isPositive();

        writer = load.writeInBackground(coordinators("n1", "n3", "n4", "n6"), 200_000, 50_000);
        KvResponse left = clients.get("n2").leave().block(Duration.ofMinutes(2));
        assertThat(left.status()).isEqualTo(200);
        assertThat(left.json().path("handoff").path("sessions").asInt()).isPositive();
        assertThat(left.json().path("handoff").path("failed").asInt()).isZero();
        assertThat(nodes.get("n2").process().waitFor(60, TimeUnit.SECONDS)).as("n2 exits after leaving").isTrue();
        remove("n2");
        Workload.agreedRing(clients, CONVERGE);
        writer.stop();
        step("n2 handed over and left while writing (" + load.acked.size() + " acknowledged)");
        load.awaitOnEveryReplica(clients, CONVERGE);
        step("every key on each of its 3 replicas in the 5-node ring");
        load.assertReadable(coordinators("n1", "n3", "n4", "n5", "n6"));
        step("every acknowledged write read back with r=2");
    }
}
