package io.grapevine.kv;

import io.grapevine.kv.internal.Bodies;
import io.grapevine.kv.internal.KeyCodec;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A small non-blocking client for one node's HTTP API (reactor-netty, pooled keep-alive
 * connections). Any node coordinates any key, so one client per node is enough; spread load by
 * using several.
 *
 * <pre>{@code
 * try (KvClient kv = KvClient.create("http://127.0.0.1:8080")) {
 *     kv.put("greeting", "hello".getBytes(UTF_8)).block();
 *     String v = kv.get("greeting").block().text();
 * }
 * }</pre>
 *
 * Every call completes with the node's response, whatever its status; only transport failures
 * (connection refused, timeout) are errors.
 */
public final class KvClient implements AutoCloseable {
    /** Largest response body read (values are at most 32 MiB). */
    private static final long MAX_RESPONSE_BYTES = KvConfig.MAX_VALUE_LIMIT + 1024 * 1024;

    private final String baseUrl;
    private final ConnectionProvider pool;
    private final HttpClient http;

    private KvClient(String baseUrl, Duration timeout, int maxConnections) {
        this.baseUrl = normalise(baseUrl);
        this.pool = ConnectionProvider.builder("grapevine-kv-client")
            .maxConnections(maxConnections)
            .pendingAcquireMaxCount(Math.max(1000, maxConnections * 100))
            .pendingAcquireTimeout(timeout)
            .maxIdleTime(Duration.ofSeconds(20))
            .build();
        this.http = HttpClient.create(pool)
            .baseUrl(this.baseUrl)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
            .option(ChannelOption.TCP_NODELAY, true)
            .responseTimeout(timeout);
    }

    /**
     * @param baseUrl the node, e.g. {@code http://127.0.0.1:8080} (the scheme may be left out)
     * @return a client with a 10 s timeout and up to 64 connections
     */
    public static KvClient create(String baseUrl) {
        return create(baseUrl, Duration.ofSeconds(10), 64);
    }

    /**
     * @param baseUrl        the node
     * @param timeout        connect and response timeout
     * @param maxConnections pooled connections (requests beyond wait for one)
     * @return the client
     */
    public static KvClient create(String baseUrl, Duration timeout, int maxConnections) {
        return new KvClient(baseUrl, timeout, maxConnections);
    }

    /** @return the node's base URL, without a trailing slash */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * @param key   the key (UTF-8)
     * @param value the value
     * @return 204 once the node's default w replicas acknowledged
     */
    public Mono<KvResponse> put(String key, byte[] value) {
        return put(key, value, 0);
    }

    /**
     * @param key   the key (UTF-8)
     * @param value the value
     * @param w     acknowledgements to wait for (0: the node's default)
     * @return 204, or 503 with the replicas that answered
     */
    public Mono<KvResponse> put(String key, byte[] value, int w) {
        return send(HttpMethod.PUT, path(key) + (w > 0 ? "?w=" + w : ""), value);
    }

    /** @param key the key @return 200 with the value, or 404 */
    public Mono<KvResponse> get(String key) {
        return get(key, 0);
    }

    /**
     * @param key the key
     * @param r   answers to wait for (0: the node's default)
     * @return 200 with the newest value, 404, or 503 with the replicas that answered
     */
    public Mono<KvResponse> get(String key, int r) {
        return send(HttpMethod.GET, path(key) + (r > 0 ? "?r=" + r : ""), null);
    }

    /** @param key the key @return the node's own replica: 200 with its value, or 404 */
    public Mono<KvResponse> getLocal(String key) {
        return send(HttpMethod.GET, path(key) + "?local=true", null);
    }

    /** @param key the key @return 204 once the default w replicas hold the tombstone */
    public Mono<KvResponse> delete(String key) {
        return delete(key, 0);
    }

    /** @param key the key @param w acknowledgements (0: default) @return 204 or 503 */
    public Mono<KvResponse> delete(String key, int w) {
        return send(HttpMethod.DELETE, path(key) + (w > 0 ? "?w=" + w : ""), null);
    }

    /** @return {@code GET /cluster}: members, states, tags, ring digest */
    public Mono<KvResponse> cluster() {
        return send(HttpMethod.GET, "/cluster", null);
    }

    /** @return {@code GET /stats}: key count and repair figures */
    public Mono<KvResponse> stats() {
        return send(HttpMethod.GET, "/stats", null);
    }

    /** @return {@code POST /admin/leave}: the node hands its ranges over, leaves and exits */
    public Mono<KvResponse> leave() {
        return send(HttpMethod.POST, "/admin/leave", null);
    }

    /**
     * @param method      the method
     * @param pathAndQuery the path with its query, already encoded
     * @param body        the body, or null
     * @return the response
     */
    public Mono<KvResponse> send(HttpMethod method, String pathAndQuery, byte[] body) {
        return http.request(method)
            .uri(pathAndQuery)
            .send((req, out) -> body == null ? out : out.sendByteArray(Mono.just(body)))
            .response((res, content) -> Bodies.read(content, MAX_RESPONSE_BYTES).map(bytes -> {
                Map<String, String> headers = new HashMap<>();
                res.responseHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
                return new KvResponse(res.status().code(), bytes, Map.copyOf(headers));
            }))
            .next();
    }

    /** Closes pooled connections (in the background). */
    @Override
    public void close() {
        pool.dispose();
    }

    private static String path(String key) {
        return "/kv/" + KeyCodec.percentEncode(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String normalise(String url) {
        String u = url.trim();
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            u = "http://" + u;
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
