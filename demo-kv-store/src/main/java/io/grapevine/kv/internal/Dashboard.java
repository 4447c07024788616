package io.grapevine.kv.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The node's live cluster dashboard over HTTP: {@code GET /} and {@code /dashboard/*} (the page,
 * from {@link DashboardAssets}) and {@code GET /events} (server-sent events, one
 * {@link EventStream} per browser, fed by the node's {@link DashboardHub}).
 *
 * <p>Bounds: at most {@code maxConnections} streams (503 JSON beyond, {@code Retry-After}); each
 * stream's socket gets a small kernel send buffer and outbound water marks, so a browser that
 * stops reading pins a few tens of KiB, and is dropped as {@link EventStream} describes. Meters:
 * {@code grapevine.kv.dashboard.connections} (open streams), {@code grapevine.kv.dashboard.dropped}
 * (clients dropped for falling behind), {@code grapevine.kv.dashboard.refused} (over the cap).
 */
public final class Dashboard {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

    private final DashboardSettings settings;
    private final DashboardAssets assets = DashboardAssets.load();
    private final Scheduler timer = Schedulers.parallel();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Sinks.Empty<Void> closing = Sinks.empty();
    private final Counter dropped;
    private final Counter refused;
    private final RateLimitedLog drops = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private volatile DashboardHub hub;
    private volatile boolean closed;

    /**
     * @param settings the bounds
     * @param registry where the dashboard's meters go
     */
    public Dashboard(DashboardSettings settings, MeterRegistry registry) {
        this.settings = settings;
        Gauge.builder("grapevine.kv.dashboard.connections", open, AtomicInteger::get)
            .description("open dashboard event streams").register(registry);
        this.dropped = Counter.builder("grapevine.kv.dashboard.dropped")
            .description("dashboard clients disconnected for falling behind").register(registry);
        this.refused = Counter.builder("grapevine.kv.dashboard.refused")
            .description("dashboard event streams refused over the connection cap").register(registry);
    }

    /**
     * Starts following the node; until then {@code /events} answers 503 (the page itself is
     * served from the start).
     *
     * @param source the node, once it has joined
     */
    public void start(DashboardSource source) {
        DashboardHub h = new DashboardHub(source, settings, timer);
        h.start();
        hub = h;
    }

    /**
     * @param path a request path
     * @return whether it is the page or one of its files (known or not)
     */
    public static boolean isAsset(String path) {
        return path.equals("/") || path.startsWith(DashboardAssets.PREFIX);
    }

    /**
     * @param req  the request
     * @param res  the response
     * @param path its path, {@link #isAsset}
     * @return completes when answered
     */
    public Mono<Void> asset(HttpServerRequest req, HttpServerResponse res, String path) {
        return assets.serve(req, res, path);
    }

    /**
     * Serves one event stream, until the client goes away, falls behind, or the node closes. A
     * {@code Last-Event-ID} (a reconnecting browser) changes nothing: every stream starts with a
     * full snapshot, which is always correct and costs about what replaying missed events would.
     *
     * @param req the request
     * @param res the response
     * @return completes when the stream ends
     */
    public Mono<Void> events(HttpServerRequest req, HttpServerResponse res) {
        if (req.method() != HttpMethod.GET) {
            res.header(HttpHeaderNames.ALLOW, "GET");
            return HttpApi.json(res, 405, Json.error("method not allowed", Map.of("allow", "GET")));
        }
        DashboardHub h = hub;
        if (h == null || closed) {
            res.header(HttpHeaderNames.RETRY_AFTER, "1");
            return HttpApi.json(res, 503, Json.error(closed ? "node is closing" : "node is starting", Map.of()));
        }
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refused.increment();
            res.header(HttpHeaderNames.RETRY_AFTER, "5");
            return HttpApi.json(res, 503, Json.error("too many dashboard connections",
                Map.of("maxConnections", settings.maxConnections())));
        }
        AtomicReference<Channel> channel = new AtomicReference<>();
        res.withConnection(c -> {
            channel.set(c.channel());
            bound(c.channel());
        });
        EventStream stream = new EventStream(h::snapshot, h.events(), h.stats(), new ChannelOutlet(channel),
            settings, timer, ids::incrementAndGet, why -> {
                dropped.increment();
                drops.warn("dashboard client {} dropped: {}", req.remoteAddress(), why);
            });
        Flux<ByteBuf> body = stream.frames()
            .takeUntilOther(closing.asMono())
            .map(frame -> Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)));
        return res.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .header(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store")
            .header("X-Accel-Buffering", "no") // tell proxies such as nginx not to buffer the stream
            .send(body, frame -> true) // flush every frame: each is an event someone waits for
            .then()
            .onErrorResume(EventStream.DroppedException.class, e -> Mono.empty())
            .doFinally(signal -> open.decrementAndGet());
    }

    /** Bounds what a client that stops reading can pin: kernel send buffer and Netty's outbound buffer. */
    private void bound(Channel ch) {
        int bytes = settings.sendBufferBytes();
        ch.config().setOption(ChannelOption.SO_SNDBUF, bytes);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(bytes / 2, bytes));
    }

    /** @return event streams open now */
    public int connections() {
        return open.get();
    }

    /**
     * Ends every stream (browsers will try to reconnect) and stops following the node.
     *
     * @return completes when released
     */
    public Mono<Void> close() {
        closed = true;
        closing.tryEmitEmpty();
        DashboardHub h = hub;
        return h == null ? Mono.empty() : h.close();
    }

    /** The stream's view of its Netty channel (set as soon as the handler runs). */
    private record ChannelOutlet(AtomicReference<Channel> channel) implements EventStream.Outlet {
        @Override
        public boolean writable() {
            Channel ch = channel.get();
            return ch == null || ch.isWritable();
        }

        @Override
        public long backlogBytes() {
            Channel ch = channel.get();
            ChannelOutboundBuffer out = ch == null ? null : ch.unsafe().outboundBuffer();
            return out == null ? 0 : out.totalPendingWriteBytes();
        }

        @Override
        public void close() {
            Channel ch = channel.get();
            if (ch != null) {
                ch.close();
            }
        }
    }
}
