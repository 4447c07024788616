package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Profile;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Nodes in this JVM on loopback ports 0, with fast membership timings, for API-level tests. */
final class TestCluster implements AutoCloseable {
    final List<KvNode> nodes = new ArrayList<>();
    final List<KvClient> clients = new ArrayList<>();

    static TestCluster start(int n, Consumer<KvConfig.Builder> tune) {
        TestCluster c = new TestCluster();
        for (int i = 1; i <= n; i++) {
            KvConfig.Builder b = KvConfig.builder()
                .name("n" + i)
                .gossip(new InetSocketAddress("127.0.0.1", 0))
                .http(new InetSocketAddress("127.0.0.1", 0))
                .profile(Profile.LOCAL)
                .replication(Math.min(3, n));
            if (!c.nodes.isEmpty()) {
                b.seeds(List.of(c.nodes.get(0).membership().local().address()));
            }
            tune.accept(b);
            KvNode node = KvNode.start(b.build()).block(Duration.ofSeconds(30));
            c.nodes.add(node);
            c.clients.add(KvClient.create("http://127.0.0.1:" + node.httpAddress().getPort(), Duration.ofSeconds(10), 32));
        }
        c.awaitRing();
        return c;
    }

    /** Waits until every node sees every node and they route alike. */
    void awaitRing() {
        await(Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.ring().current() != null
            && n.ring().current().members().size() == nodes.size())
            && nodes.stream().map(n -> n.ring().current().digest()).distinct().count() == 1);
    }

    KvClient client(int i) {
        return clients.get(i);
    }

    static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", timeout).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        clients.forEach(KvClient::close);
        for (KvNode n : nodes) {
            n.close().block(Duration.ofSeconds(20));
        }
    }
}
