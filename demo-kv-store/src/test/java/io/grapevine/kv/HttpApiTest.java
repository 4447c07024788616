package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API of one node (RF 1): the contract's routes, and every kind of bad input. */
class HttpApiTest {
    private static final int MAX_VALUE = 4096;
    private static TestCluster cluster;
    private static KvClient kv;
    private static InetSocketAddress http;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(1, b -> b.maxValueBytes(MAX_VALUE).maxBufferedBytes(1 << 20));
        kv = cluster.client(0);
        http = cluster.nodes.get(0).httpAddress();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetDeleteRoundTrip() {
        KvResponse put = kv.put("user/42 é+", bytes("hello")).block();
        assertThat(put.status()).isEqualTo(204);
        assertThat(put.header("X-Grapevine-Acks")).isEqualTo("n1");
        assertThat(put.header("X-Grapevine-Version")).endsWith("@n1");

        KvResponse get = kv.get("user/42 é+").block();
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.text()).isEqualTo("hello");
        assertThat(get.header("X-Grapevine-Version")).isEqualTo(put.header("X-Grapevine-Version"));
        assertThat(kv.getLocal("user/42 é+").block().text()).isEqualTo("hello");

        assertThat(kv.delete("user/42 é+").block().status()).isEqualTo(204);
        KvResponse gone = kv.get("user/42 é+").block();
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.error()).isEqualTo("not found");
        assertThat(gone.json().has("deleted")).isTrue();
        assertThat(kv.get("never-written").block().status()).isEqualTo(404);
    }

    @Test
    void clusterAndStatsDescribeTheNode() {
        kv.put("counted", bytes("1")).block();
        JsonNode cluster = kv.cluster().block().json();
        assertThat(cluster.path("members").get(0).path("name").asText()).isEqualTo("n1");
        assertThat(cluster.path("members").get(0).path("state").asText()).isEqualTo("ALIVE");
        assertThat(cluster.path("ring").path("digest").asText()).hasSize(32);
        JsonNode stats = kv.stats().block().json();
        assertThat(stats.path("keys").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.has("repair")).isTrue();
        assertThat(stats.path("repair").has("sessions")).isTrue();
    }

    @Test
    void unknownRoutesAndMethodsAreJsonErrors() {
        KvResponse r = kv.send(HttpMethod.GET, "/nope", null).block();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("no such route");
        assertThat(kv.send(HttpMethod.GET, "/", null).block().status()).as("the dashboard page").isEqualTo(200);
        KvResponse post = kv.send(HttpMethod.POST, "/kv/x", bytes("v")).block();
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, PUT, DELETE");
        assertThat(kv.send(HttpMethod.DELETE, "/stats", null).block().status()).isEqualTo(405);
    }

    @Test
    void badKeysAndParametersAre4xx() {
        assertJsonError(kv.send(HttpMethod.GET, "/kv/" + "k".repeat(1025), null).block(), 414);
        assertThat(kv.put("k".repeat(1024), bytes("max key")).block().status()).isEqualTo(204);
        assertJsonError(kv.send(HttpMethod.GET, "/kv/", null).block(), 400);
        assertJsonError(kv.send(HttpMethod.GET, "/kv/bad%zzescape", null).block(), 400);
        assertJsonError(kv.send(HttpMethod.PUT, "/kv/a?w=abc", bytes("v")).block(), 400);
        assertJsonError(kv.send(HttpMethod.PUT, "/kv/a?w=2", bytes("v")).block(), 400); // RF is 1
        assertJsonError(kv.send(HttpMethod.GET, "/kv/a?r=0", null).block(), 400);
        assertJsonError(kv.send(HttpMethod.GET, "/kv/a?local=maybe", null).block(), 400);
        assertJsonError(kv.send(HttpMethod.GET, "/internal/kv/not-hex", null).block(), 400);
        assertJsonError(kv.send(HttpMethod.PUT, "/internal/kv/6b", bytes("no version header")).block(), 400);
    }

    @Test
    void valuesOverTheLimitAreRefusedWith413() throws Exception {
        assertThat(kv.put("big", new byte[MAX_VALUE]).block().status()).isEqualTo(204);
        assertJsonError(kv.put("big", new byte[MAX_VALUE + 1]).block(), 413);
        // chunked, no length announced: refused once the body passes the limit
        StringBuilder chunked = new StringBuilder("PUT /kv/chunky HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 10; i++) {
            chunked.append("400\r\n").append("x".repeat(1024)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        String res = RawHttp.exchange(http, chunked.toString());
        assertThat(RawHttp.status(res)).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(RawHttp.body(res)).path("error").asText()).contains("larger than");
        // a huge declared length is refused before a byte of body is read
        String declared = RawHttp.exchange(http, "PUT /kv/huge HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\nabc");
        assertThat(RawHttp.status(declared)).isEqualTo(413);
        assertThat(kv.get("chunky").block().status()).isEqualTo(404);
    }

    @Test
    void oversizedRequestLinesAndHeadersAreJsonErrors() throws Exception {
        String line = RawHttp.exchange(http, "GET /kv/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(RawHttp.status(line)).isEqualTo(414);
        assertThat(Json.MAPPER.readTree(RawHttp.body(line)).has("error")).isTrue();
        String headers = RawHttp.exchange(http, "GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertThat(RawHttp.status(headers)).isEqualTo(431);
        assertThat(Json.MAPPER.readTree(RawHttp.body(headers)).has("error")).isTrue();
    }

    @Test
    void garbageNeverCrashesTheNode() throws Exception {
        Random random = new Random(42);
        String[] attempts = {
            "HELLO\r\n\r\n",
            "GET\r\n\r\n",
            "GET /kv/x HTTP/9.9\r\n\r\n",
            "PUT /kv/x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "PUT /kv/x HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "PUT /kv/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nboom\r\n",
            "GET /kv/%%%%%% HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /kv/x?w=1&w=2&r=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n",
            "\u0000\u0001\u0002\u0003",
        };
        for (String a : attempts) {
            String res = RawHttp.exchange(http, a);
            if (!res.isEmpty()) {
                int status = RawHttp.status(res);
                assertThat(status).as("answer to %s", a).isBetween(400, 499);
                assertThat(Json.MAPPER.readTree(RawHttp.body(res)).has("error")).as("JSON answer to %s", a).isTrue();
            }
        }
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[1 + random.nextInt(4000)];
            random.nextBytes(junk);
            RawHttp.exchange(http, junk);
        }
        // still serving
        assertThat(kv.put("after-garbage", bytes("ok")).block().status()).isEqualTo(204);
        assertThat(kv.get("after-garbage").block().text()).isEqualTo("ok");
        assertThat(kv.stats().block().json().path("requests").path("rejected").asLong()).isPositive();
    }

    private static void assertJsonError(KvResponse r, int status) {
        assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.json().path("error").asText()).isNotEmpty();
    }
}
