package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of one real node over real loopback HTTP: the page and its files, the event
 * stream's framing and first snapshot, the connection cap, and a client that never reads.
 * The node gathers key counts every 20 ms and drops a client whose socket stays unwritable for
 * one second, so what takes seconds or minutes in production happens here within seconds.
 */
class DashboardTest {
    private static final int CAP = 3;
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static TestCluster cluster;
    private static KvClient kv;
    private static InetSocketAddress http;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(1, b -> b.dashboardConnections(CAP).dashboardRefresh(Duration.ofMillis(20))
            .dashboardStallTimeout(Duration.ofSeconds(1)).meterRegistry(METERS));
        kv = cluster.client(0);
        http = cluster.nodes.get(0).httpAddress();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static double meter(String name) {
        var gauge = METERS.find(name).gauge();
        return gauge != null ? gauge.value() : METERS.find(name).counter().count();
    }

    private static void awaitNoStreams() {
        TestCluster.await(Duration.ofSeconds(20), () -> meter("grapevine.kv.dashboard.connections") == 0);
    }

    private static String get(String path, String... headers) throws Exception {
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (String h : headers) {
            req.append(h).append("\r\n");
        }
        return RawHttp.exchange(http, req.append("\r\n").toString());
    }

    private static String header(String response, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*?)\\r?$").matcher(response);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theStreamStartsWithARetryHintAndAFullSnapshot() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(kv.put("snap-" + i, "v".getBytes(StandardCharsets.UTF_8)).block().status()).isEqualTo(204);
        }
        try (SseClient sse = SseClient.open(http, "/events", Map.of())) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.headers.get("content-type")).startsWith("text/event-stream");
            assertThat(sse.headers.get("cache-control")).contains("no-cache");
            assertThat(sse.headers.get("transfer-encoding")).isEqualTo("chunked");

            SseClient.Event first = sse.next(Duration.ofSeconds(10));
            assertThat(sse.retry).as("retry hint before the first event").isEqualTo(2000);
            assertThat(first.type()).isEqualTo("snapshot");
            assertThat(first.id()).matches("\\d+");
            JsonNode snap = Json.MAPPER.readTree(first.data());
            assertThat(snap.path("node").asText()).isEqualTo("n1");
            assertThat(snap.path("members")).hasSize(1);
            JsonNode me = snap.path("members").get(0);
            assertThat(me.path("name").asText()).isEqualTo("n1");
            assertThat(me.path("state").asText()).isEqualTo("ALIVE");
            assertThat(me.path("http").asText()).isEqualTo("http://127.0.0.1:" + http.getPort());
            assertThat(me.path("tags").has("repair")).isTrue();
            JsonNode ring = snap.path("ring");
            assertThat(ring.path("digest").asText()).isEqualTo(cluster.nodes.get(0).ring().current().digest());
            assertThat(ring.path("owners").get(0).asText()).isEqualTo("n1");
            assertThat(ring.path("partitions").asInt()).isEqualTo(256);
            assertThat(ring.path("slots")).hasSize(256);
            assertThat(ring.path("slots").get(0).get(0).asInt()).as("primary of slot 0: owner index 0").isZero();
            assertThat(ring.path("ownership").path("n1").asDouble()).isEqualTo(1.0);
            assertThat(snap.path("stats").path("nodes").path("n1").path("keys").asLong()).isGreaterThanOrEqualTo(20);
            assertThat(snap.path("stats").path("repair").has("sessions")).isTrue();
            assertThat(snap.has("repairs")).isTrue();

            // then incremental events, ids increasing
            long lastId = Long.parseLong(first.id());
            for (int i = 0; i < 5; i++) {
                SseClient.Event e = sse.next(Duration.ofSeconds(10));
                assertThat(e.type()).isEqualTo("stats");
                assertThat(Long.parseLong(e.id())).isGreaterThan(lastId);
                lastId = Long.parseLong(e.id());
                assertThat(Json.MAPPER.readTree(e.data()).path("nodes").path("n1").path("keys").asLong())
                    .isGreaterThanOrEqualTo(20);
            }
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsAFreshSnapshot() throws Exception {
        long firstId;
        try (SseClient sse = SseClient.open(http, "/events", Map.of())) {
            firstId = Long.parseLong(sse.next(Duration.ofSeconds(10)).id());
        }
        try (SseClient again = SseClient.open(http, "/events", Map.of("Last-Event-ID", String.valueOf(firstId)))) {
            SseClient.Event e = again.next(Duration.ofSeconds(10));
            assertThat(e.type()).isEqualTo("snapshot");
            assertThat(Long.parseLong(e.id())).as("ids are node-wide").isGreaterThan(firstId);
        }
    }

    @Test
    void aClientThatNeverReadsIsDroppedAndTheNodeKeepsServing() throws Exception {
        awaitNoStreams();
        double droppedBefore = meter("grapevine.kv.dashboard.dropped");
        try (Socket stuck = SseClient.openAndNeverRead(http, "/events")) {
            TestCluster.await(Duration.ofSeconds(10), () -> meter("grapevine.kv.dashboard.connections") == 1);
            int served = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (meter("grapevine.kv.dashboard.dropped") == droppedBefore) {
                assertThat(System.nanoTime()).as("the stuck client is dropped").isLessThan(deadline);
                KvResponse put = kv.put("while-stuck-" + served, "value".getBytes(StandardCharsets.UTF_8)).block();
                assertThat(put.status()).as("the node serves /kv while a dashboard client is stuck").isEqualTo(204);
                served++;
            }
            assertThat(served).isPositive();
            awaitNoStreams();
            assertThat(kv.get("while-stuck-0").block().text()).isEqualTo("value");
            // the server closed the connection: what it had sent drains, then the stream ends
            stuck.setSoTimeout(10_000);
            InputStream in = stuck.getInputStream();
            SseClient.drain(in);
        }
    }

    @Test
    void streamsOverTheCapAreRefusedWith503Json() throws Exception {
        awaitNoStreams();
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                SseClient sse = SseClient.open(http, "/events", Map.of());
                open.add(sse);
                assertThat(sse.status).isEqualTo(200);
                assertThat(sse.next(Duration.ofSeconds(10)).type()).isEqualTo("snapshot");
            }
            try (SseClient refused = SseClient.open(http, "/events", Map.of())) {
                assertThat(refused.status).isEqualTo(503);
                assertThat(refused.headers.get("content-type")).isEqualTo("application/json");
                assertThat(refused.headers.get("retry-after")).isNotNull();
                JsonNode body = Json.MAPPER.readTree(refused.fullBody());
                assertThat(body.path("error").asText()).isEqualTo("too many dashboard connections");
                assertThat(body.path("maxConnections").asInt()).isEqualTo(CAP);
            }
            assertThat(meter("grapevine.kv.dashboard.refused")).isGreaterThanOrEqualTo(1);
            open.remove(0).close();
            TestCluster.await(Duration.ofSeconds(10), () -> meter("grapevine.kv.dashboard.connections") == CAP - 1);
            try (SseClient again = SseClient.open(http, "/events", Map.of())) {
                assertThat(again.status).as("a closed stream frees its slot").isEqualTo(200);
                assertThat(again.next(Duration.ofSeconds(10)).type()).isEqualTo("snapshot");
            }
        } finally {
            for (SseClient c : open) {
                c.close();
            }
        }
    }

    @Test
    void thePageAndItsFilesAreServedWithTypesAndCacheHeaders() throws Exception {
        String page = get("/");
        assertThat(RawHttp.status(page)).isEqualTo(200);
        assertThat(header(page, "content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(header(page, "cache-control")).isEqualTo("no-cache");
        assertThat(header(page, "content-security-policy")).contains("default-src 'none'").contains("connect-src 'self'");
        assertThat(header(page, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(RawHttp.body(page)).contains("<script src=\"/dashboard/app.js\"").contains("/dashboard/style.css");

        Map<String, String> types = Map.of("/dashboard/app.js", "text/javascript; charset=utf-8",
            "/dashboard/style.css", "text/css; charset=utf-8", "/dashboard/favicon.svg", "image/svg+xml");
        for (Map.Entry<String, String> t : types.entrySet()) {
            String res = get(t.getKey());
            assertThat(RawHttp.status(res)).as(t.getKey()).isEqualTo(200);
            assertThat(header(res, "content-type")).as(t.getKey()).isEqualTo(t.getValue());
            assertThat(Integer.parseInt(header(res, "content-length"))).isEqualTo(RawHttp.body(res).getBytes(StandardCharsets.UTF_8).length);
            String etag = header(res, "etag");
            assertThat(etag).matches("\"[0-9a-f]{24}\"");
            String cached = get(t.getKey(), "If-None-Match: " + etag);
            assertThat(RawHttp.status(cached)).as("revalidation of %s", t.getKey()).isEqualTo(304);
            assertThat(RawHttp.body(cached)).isEmpty();
        }
        assertThat(RawHttp.body(get("/dashboard/app.js"))).contains("new EventSource('/events')");
    }

    @Test
    void unknownFilesAndTraversalAttemptsAre404Json() throws Exception {
        String[] paths = {
            "/dashboard/nope.js", "/dashboard/", "/dashboard/../pom.xml", "/dashboard/%2e%2e/%2e%2e/pom.xml",
            "/dashboard/..%2f..%2fpom.xml", "/dashboard//etc/passwd", "/dashboard/app.js/../../logback.xml",
            "/dashboard/dashboard/app.js", "/dashboard/APP.JS", "/dashboard/app.js%00.html", "/dashboard/..\\logback.xml",
            "/dashboard/io/grapevine/kv/KvNode.class", "/index.html", "/app.js",
        };
        for (String p : paths) {
            String res = get(p);
            assertThat(RawHttp.status(res)).as(p).isEqualTo(404);
            assertThat(header(res, "content-type")).as(p).isEqualTo("application/json");
            assertThat(Json.MAPPER.readTree(RawHttp.body(res)).path("error").asText()).as(p).isNotEmpty();
        }
        String post = RawHttp.exchange(http, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertThat(RawHttp.status(post)).isEqualTo(405);
        String postEvents = RawHttp.exchange(http, "POST /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertThat(RawHttp.status(postEvents)).isEqualTo(405);
    }

    @Test
    void closingTheNodeEndsItsStreams() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestCluster own = TestCluster.start(1, b -> b.meterRegistry(meters))) {
            InetSocketAddress at = own.nodes.get(0).httpAddress();
            try (SseClient sse = SseClient.open(at, "/events", Map.of())) {
                assertThat(sse.next(Duration.ofSeconds(10)).type()).isEqualTo("snapshot");
                assertThat(meters.find("grapevine.kv.dashboard.connections").gauge().value()).isEqualTo(1);
                own.nodes.get(0).close().block(Duration.ofSeconds(20));
                sse.readToEnd(Duration.ofSeconds(10));
                // The client sees the end of the stream a moment before the server's bookkeeping of it.
                TestCluster.await(Duration.ofSeconds(10),
                        () -> meters.find("grapevine.kv.dashboard.connections").gauge().value() == 0);
            }
        }
    }
}
