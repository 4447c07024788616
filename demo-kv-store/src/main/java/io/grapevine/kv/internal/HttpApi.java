package io.grapevine.kv.internal;

import io.grapevine.repair.Entry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The node's HTTP API: the public routes of the architecture contract ({@code /kv/{key}},
 * {@code /cluster}, {@code /stats}, the dashboard at {@code /} and its event stream
 * {@code /events}), {@code POST /admin/leave}, and the node-to-node routes under
 * {@code /internal/kv/}. Every error is a JSON body {@code {"error": "...", ...}} with a 4xx or
 * 5xx status; nothing a client sends escapes as an exception (a last-resort handler answers 500).
 *
 * <p>Bounds: request line 8 KiB, headers 16 KiB (larger: 414 / 431 from
 * {@link DecoderFailureHandler}), keys 1 KiB (414), values {@code maxValueBytes} (413, refused on
 * the declared length before any byte is read, or as soon as a chunked body exceeds it), bodies
 * buffered at once {@code maxBufferedBytes} and coordinated requests in flight
 * {@code maxInFlight} (503 with {@code Retry-After}), 4,096 connections, idle connections closed
 * after a minute, a request that takes more than a minute to arrive dropped.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Response header: the version of the value returned or written. */
    public static final String VERSION_HEADER = "X-Grapevine-Version";
    /** Response header: the replicas that acknowledged a write, comma-separated. */
    public static final String ACKS_HEADER = "X-Grapevine-Acks";
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;
    private static final int MAX_PARAMS = 16;
    private static final int MAX_CONNECTIONS = 4096;

    private final NodeBackend node;
    private final ApiLimits limits;
    private final Dashboard dashboard;
    private final ByteBudget budget;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger internalInFlight = new AtomicInteger();
    private final RateLimitedLog errors = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    /**
     * @param node      the node served
     * @param limits    the bounds
     * @param dashboard serves {@code GET /}, {@code /dashboard/*} and {@code GET /events}
     */
    public HttpApi(NodeBackend node, ApiLimits limits, Dashboard dashboard) {
        this.node = node;
        this.limits = limits;
        this.dashboard = dashboard;
        this.budget = new ByteBudget(limits.maxBufferedBytes());
    }

    /**
     * @param address where to listen (port 0: any free port)
     * @return the bound server
     */
    public Mono<DisposableServer> bind(InetSocketAddress address) {
        return HttpServer.create()
            .bindAddress(() -> address)
            .httpRequestDecoder(spec -> spec.maxInitialLineLength(MAX_LINE).maxHeaderSize(MAX_HEADERS))
            .idleTimeout(Duration.ofSeconds(60))
            .readTimeout(Duration.ofSeconds(30))
            .requestTimeout(Duration.ofSeconds(60))
            .maxConnections(MAX_CONNECTIONS)
            .doOnChannelInit((observer, channel, remote) -> {
                if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                    channel.pipeline().addAfter(NettyPipeline.HttpCodec, "grapevine.decoderFailures",
                        new DecoderFailureHandler());
                }
            })
            .handle(this::handle)
            .bind()
            .map(server -> (DisposableServer) server);
    }

    /** Routes one request; never throws. */
    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        try {
            return route(req, res).onErrorResume(e -> unexpected(req, res, e));
        } catch (RuntimeException e) {
            return unexpected(req, res, e);
        }
    }

    private Mono<Void> route(HttpServerRequest req, HttpServerResponse res) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, List<String>> params;
        try {
            params = q < 0 ? Map.of() : new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, MAX_PARAMS).parameters();
        } catch (IllegalArgumentException e) {
            return reject(res, 400, "malformed query string: " + e.getMessage(), Map.of());
        }
        HttpMethod method = req.method();
        if (path.startsWith("/kv/")) {
            return kv(req, res, path.substring(4), params);
        }
        if (path.startsWith(InternalHeaders.PREFIX)) {
            return internal(req, res, path.substring(InternalHeaders.PREFIX.length()));
        }
        if (Dashboard.isAsset(path)) {
            return dashboard.asset(req, res, path);
        }
        switch (path) {
            case "/events" -> {
                return dashboard.events(req, res);
            }
            case "/cluster" -> {
                if (method != HttpMethod.GET) {
                    return notAllowed(res, "GET");
                }
                Map<String, Object> cluster = node.cluster();
                return cluster == null ? starting(res) : json(res, 200, cluster);
            }
            case "/stats" -> {
                return method == HttpMethod.GET ? json(res, 200, node.stats()) : notAllowed(res, "GET");
            }
            case "/admin/leave" -> {
                if (method != HttpMethod.POST) {
                    return notAllowed(res, "POST");
                }
                return node.coordinator() == null ? starting(res) : node.leave().flatMap(body -> json(res, 200, body));
            }
            default -> {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("method", method.name());
                extra.put("path", shorten(path));
                return reject(res, 404, "no such route", extra);
            }
        }
    }

    private Mono<Void> kv(HttpServerRequest req, HttpServerResponse res, String rawKey, Map<String, List<String>> params) {
        byte[] key;
        try {
            key = KeyCodec.percentDecode(rawKey);
        } catch (IllegalArgumentException e) {
            return reject(res, 400, e.getMessage(), Map.of());
        }
        if (key.length == 0) {
            return reject(res, 400, "empty key", Map.of());
        }
        if (key.length > limits.maxKeyBytes()) {
            return reject(res, 414, "key longer than " + limits.maxKeyBytes() + " bytes",
                Map.of("keyBytes", key.length, "maxKeyBytes", limits.maxKeyBytes()));
        }
        HttpMethod method = req.method();
        try {
            if (method == HttpMethod.GET) {
                if (flag(params, "local")) {
                    return localGet(res, key);
                }
                int r = quorum(params, "r", limits.defaultR());
                return coordinated(res, () -> get(res, key, r));
            }
            if (method == HttpMethod.PUT) {
                int w = quorum(params, "w", limits.defaultW());
                return coordinated(res, () -> put(req, res, key, w));
            }
            if (method == HttpMethod.DELETE) {
                int w = quorum(params, "w", limits.defaultW());
                return coordinated(res, () -> write(res, key, null, w));
            }
        } catch (IllegalArgumentException e) {
            return reject(res, 400, e.getMessage(), Map.of());
        }
        return notAllowed(res, "GET, PUT, DELETE");
    }

    /** Runs a coordinated request within the in-flight bound. */
    private Mono<Void> coordinated(HttpServerResponse res, java.util.function.Supplier<Mono<Void>> work) {
        if (node.coordinator() == null) {
            return starting(res);
        }
        if (inFlight.incrementAndGet() > limits.maxInFlight()) {
            inFlight.decrementAndGet();
            return overloaded(res, "too many requests in flight (" + limits.maxInFlight() + ")");
        }
        return Mono.defer(work).doFinally(s -> inFlight.decrementAndGet());
    }

    private Mono<Void> put(HttpServerRequest req, HttpServerResponse res, byte[] key, int w) {
        return withBody(req, res, limits.maxValueBytes(), value -> write(res, key, value, w));
    }

    private Mono<Void> write(HttpServerResponse res, byte[] key, byte[] value, int w) {
        return node.coordinator().write(key, value, w).flatMap(o -> {
            if (o.ok()) {
                (value == null ? node.counters().deletes : node.counters().puts).incrementAndGet();
                return res.status(204)
                    .header(VERSION_HEADER, o.version().toString())
                    .header(ACKS_HEADER, String.join(",", o.acked()))
                    .send();
            }
            return quorumFailed(res, "write quorum not reached: " + o.acked().size() + " of " + o.w()
                + " acknowledgements", key, "w", o.w(), o.replicas(), "acknowledged", o.acked(), o.failed());
        });
    }

    private Mono<Void> get(HttpServerResponse res, byte[] key, int r) {
        return node.coordinator().read(key, r).flatMap(o -> {
            if (!o.ok()) {
                return quorumFailed(res, "read quorum not reached: " + o.answered().size() + " of " + o.r() + " answers",
                    key, "r", o.r(), o.replicas(), "answered", o.answered(), o.failed());
            }
            node.counters().gets.incrementAndGet();
            return value(res, key, o.newest());
        });
    }

    private Mono<Void> localGet(HttpServerResponse res, byte[] key) {
        node.counters().localGets.incrementAndGet();
        return node.store().get(key).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
            .flatMap(e -> value(res, key, e.orElse(null)));
    }

    /** 503 naming the key's replicas, those that answered, and why the others did not. */
    private Mono<Void> quorumFailed(HttpServerResponse res, String message, byte[] key, String quorumName, int quorum,
                                    List<String> replicas, String answeredName, List<String> answered,
                                    Map<String, String> failed) {
        node.counters().quorumFailures.incrementAndGet();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("key", KeyCodec.show(key));
        extra.put(quorumName, quorum);
        extra.put("replicas", replicas);
        extra.put(answeredName, answered);
        extra.put("failed", failed);
        return json(res, 503, Json.error(message + " from " + replicas.size() + " replicas", extra));
    }

    /** 200 with the value, or 404 when absent or deleted. */
    private Mono<Void> value(HttpServerResponse res, byte[] key, Entry e) {
        if (e == null || e.isTombstone()) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("key", KeyCodec.show(key));
            if (e != null) {
                extra.put("deleted", Version.decode(e.version()).toString());
            }
            return json(res, 404, Json.error("not found", extra));
        }
        return res.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
            .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(e.value().length))
            .header(VERSION_HEADER, Version.decode(e.version()).toString())
            .sendByteArray(Mono.just(e.value())).then();
    }

    /** The node-to-node routes: a replica's own entry, read or merged. */
    private Mono<Void> internal(HttpServerRequest req, HttpServerResponse res, String hexKey) {
        byte[] key;
        try {
            key = KeyCodec.unhex(hexKey);
        } catch (IllegalArgumentException e) {
            return reject(res, 400, "internal key must be hex", Map.of());
        }
        if (key.length == 0 || key.length > limits.maxKeyBytes()) {
            return reject(res, 400, "key must have 1.." + limits.maxKeyBytes() + " bytes", Map.of());
        }
        if (req.method() == HttpMethod.GET) {
            node.counters().replicaReads.incrementAndGet();
            return node.store().get(key).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return json(res, 404, Json.error("not found", Map.of()));
                    }
                    Entry e = found.get();
                    HttpServerResponse r = res.status(200).header(InternalHeaders.VERSION, KeyCodec.hex(e.version()));
                    if (e.isTombstone()) {
                        return r.header(InternalHeaders.TOMBSTONE, "1").send();
                    }
                    return r.sendByteArray(Mono.just(e.value())).then();
                });
        }
        if (req.method() != HttpMethod.PUT) {
            return notAllowed(res, "GET, PUT");
        }
        byte[] version;
        try {
            version = KeyCodec.unhex(String.valueOf(req.requestHeaders().get(InternalHeaders.VERSION)));
            Version.decode(version);
        } catch (IllegalArgumentException e) {
            return reject(res, 400, "missing or malformed " + InternalHeaders.VERSION, Map.of());
        }
        if (node.leaving()) {
            return json(res, 503, Json.error("leaving: handing ranges over", Map.of()));
        }
        if (internalInFlight.incrementAndGet() > limits.maxInFlight() * 4) {
            internalInFlight.decrementAndGet();
            return overloaded(res, "too many replica writes in flight");
        }
        boolean tombstone = req.requestHeaders().contains(InternalHeaders.TOMBSTONE);
        node.counters().replicaWrites.incrementAndGet();
        node.routedBy(req.requestHeaders().get(InternalHeaders.RING), key);
        return withBody(req, res, tombstone ? 0 : limits.maxValueBytes(),
            value -> node.store().write(new Entry(key, tombstone ? null : value, version))
                .then(res.status(204).send()))
            .doFinally(s -> internalInFlight.decrementAndGet());
    }

    /** Reads a bounded body within the shared byte budget, then runs {@code then}. */
    private Mono<Void> withBody(HttpServerRequest req, HttpServerResponse res, int max,
                                java.util.function.Function<byte[], Mono<Void>> then) {
        long declared;
        String header = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        try {
            declared = header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return reject(res, 400, "malformed Content-Length", Map.of());
        }
        if (declared > max) {
            return tooLarge(res, max);
        }
        long reserve = declared >= 0 ? declared : max;
        if (!budget.tryTake(reserve)) {
            return overloaded(res, "too many request bytes buffered");
        }
        return Bodies.read(req.receive(), max)
            .flatMap(then)
            .onErrorResume(BodyTooLargeException.class, e -> tooLarge(res, max))
            .doFinally(s -> budget.giveBack(reserve));
    }

    private int quorum(Map<String, List<String>> params, String name, int fallback) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(values.get(0).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number 1.." + limits.replication());
        }
        if (n < 1 || n > limits.replication()) {
            throw new IllegalArgumentException(name + " must be 1.." + limits.replication() + " (the replication factor)");
        }
        return n;
    }

    private static boolean flag(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return false;
        }
        String v = values.get(0);
        if (v.isEmpty() || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false");
    }

    private Mono<Void> tooLarge(HttpServerResponse res, int max) {
        res.keepAlive(false); // the rest of the body is not read
        return reject(res, 413, "value larger than " + max + " bytes", Map.of("maxValueBytes", max));
    }

    private Mono<Void> overloaded(HttpServerResponse res, String why) {
        node.counters().overloaded.incrementAndGet();
        res.header(HttpHeaderNames.RETRY_AFTER, "1");
        return json(res, 503, Json.error("overloaded: " + why, Map.of()));
    }

    private Mono<Void> starting(HttpServerResponse res) {
        res.header(HttpHeaderNames.RETRY_AFTER, "1");
        return json(res, 503, Json.error("node is starting", Map.of()));
    }

    private Mono<Void> notAllowed(HttpServerResponse res, String allow) {
        res.header(HttpHeaderNames.ALLOW, allow);
        return reject(res, 405, "method not allowed", Map.of("allow", allow));
    }

    private Mono<Void> reject(HttpServerResponse res, int status, String message, Map<String, ?> extra) {
        node.counters().rejected.incrementAndGet();
        return json(res, status, Json.error(message, extra));
    }

    private Mono<Void> unexpected(HttpServerRequest req, HttpServerResponse res, Throwable e) {
        if (e instanceof reactor.netty.channel.AbortedException || e instanceof java.io.IOException) {
            return Mono.empty(); // the client went away; nothing to answer
        }
        errors.warn("request {} {} failed: {}", req.method(), shorten(req.uri()), e.toString());
        if (res.hasSentHeaders()) {
            return Mono.empty();
        }
        return json(res, 500, Json.error("internal error: " + e.getClass().getSimpleName(), Map.of()));
    }

    /** Sends a JSON body. */
    static Mono<Void> json(HttpServerResponse res, int status, Object body) {
        byte[] bytes = Json.bytes(body);
        return res.status(status)
            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
            .sendByteArray(Mono.just(bytes)).then();
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
