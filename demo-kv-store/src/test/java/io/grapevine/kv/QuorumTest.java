package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.InternalHeaders;
import io.grapevine.kv.internal.KeyCodec;
import io.grapevine.kv.internal.Version;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** Three nodes in this JVM, RF 3: replication, read repair, and what happens without a quorum. */
class QuorumTest {
    private TestCluster cluster;

    @BeforeEach
    void start() {
        cluster = TestCluster.start(3, b -> { });
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteThroughAnyNodeReachesEveryReplica() {
        KvResponse put = cluster.client(1).put("k", bytes("v")).block();
        assertThat(put.status()).isEqualTo(204);
        assertThat(put.header("X-Grapevine-Acks").split(",")).hasSizeGreaterThanOrEqualTo(2);
        TestCluster.await(Duration.ofSeconds(10), () -> cluster.clients.stream()
            .allMatch(c -> c.getLocal("k").block().status() == 200));
        for (KvClient c : cluster.clients) {
            assertThat(c.get("k", 3).block().text()).isEqualTo("v");
        }
    }

    @Test
    void aReadReturnsTheNewestVersionAndRepairsStaleReplicas() {
        assertThat(cluster.client(0).put("k", bytes("old")).block().status()).isEqualTo(204);
        TestCluster.await(Duration.ofSeconds(10), () -> cluster.clients.stream()
            .allMatch(c -> c.getLocal("k").block().status() == 200));
        // a newer write that reached only n3 (as if the others missed it)
        Version newer = new Version(Long.MAX_VALUE >>> 2, "n3");
        String url = "http://127.0.0.1:" + cluster.nodes.get(2).httpAddress().getPort() + InternalHeaders.PREFIX
            + KeyCodec.hex(bytes("k"));
        int status = HttpClient.create().headers(h -> h.set(InternalHeaders.VERSION, KeyCodec.hex(newer.encode())))
            .put().uri(url).send(reactor.core.publisher.Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(bytes("new"))))
            .response().block(Duration.ofSeconds(10)).status().code();
        assertThat(status).isEqualTo(204);
        assertThat(cluster.client(0).getLocal("k").block().text()).isEqualTo("old");

        KvResponse read = cluster.client(0).get("k", 3).block();
        assertThat(read.text()).as("answers disagree: the newest wins").isEqualTo("new");
        TestCluster.await(Duration.ofSeconds(10), () -> cluster.clients.stream()
            .allMatch(c -> c.getLocal("k").block().text().equals("new")));
        long repairs = 0;
        for (KvClient c : cluster.clients) {
            repairs += c.stats().block().json().path("requests").path("readRepairs").asLong();
        }
        assertThat(repairs).isGreaterThanOrEqualTo(2);
    }

    @Test
    void withoutAQuorumWritesAndReadsAre503WithTheReplicasThatAnswered() {
        cluster.nodes.get(1).close().block(Duration.ofSeconds(20));
        cluster.nodes.get(2).close().block(Duration.ofSeconds(20));
        KvClient n1 = cluster.client(0);

        KvResponse put = n1.put("k", bytes("v"), 2).block();
        assertThat(put.status()).isEqualTo(503);
        JsonNode body = put.json();
        assertThat(body.path("error").asText()).contains("write quorum not reached");
        assertThat(body.path("replicas")).hasSize(3);
        assertThat(body.path("acknowledged").toString()).contains("n1");
        assertThat(body.path("failed").has("n2")).isTrue();
        assertThat(body.path("failed").has("n3")).isTrue();

        KvResponse get = n1.get("k", 2).block();
        assertThat(get.status()).isEqualTo(503);
        assertThat(get.json().path("answered").toString()).contains("n1");

        assertThat(n1.put("k", bytes("v"), 1).block().status()).as("w=1 needs only n1").isEqualTo(204);
        assertThat(n1.get("k", 1).block().text()).isEqualTo("v");
        assertThat(n1.send(HttpMethod.GET, "/stats", null).block().json().path("requests").path("quorumFailures").asLong())
            .isEqualTo(2);
    }
}
