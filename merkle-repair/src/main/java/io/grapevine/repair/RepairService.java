package io.grapevine.repair;

import io.grapevine.repair.internal.RateLimiter;
import io.grapevine.repair.internal.RepairMetrics;
import io.grapevine.repair.internal.Session;
import io.grapevine.repair.internal.SessionDriver;
import io.grapevine.ring.TokenRange;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A node's repair endpoint: the {@link MerkleIndex} of its store, a TCP server answering other
 * replicas' sessions, and {@link #repair} to start a session with a peer. One session per
 * connection; each session compares one token range and leaves both replicas holding the merge of
 * the two (under the store's own merge rule).
 *
 * <pre>{@code
 * RepairService repair = RepairService.start(store, RepairConfig.builder().build()).block();
 * repair.repair(range, peerRepairAddress).subscribe(report -> log.info("{}", report));
 * }</pre>
 */
public final class RepairService implements Repairer {
    private static final Logger LOG = LoggerFactory.getLogger(RepairService.class);

    private final RepairStore store;
    private final RepairConfig config;
    private final MerkleIndex index;
    private final Session.Limits limits;
    private final RateLimiter limiter;
    private final RepairMetrics metrics;
    private final Sinks.Many<RepairReport> reports = Sinks.many().multicast().directBestEffort();
    private final AtomicInteger active = new AtomicInteger();
    private volatile DisposableServer server;

    private RepairService(RepairStore store, RepairConfig config, MerkleIndex index) {
        this.store = store;
        this.config = config;
        this.index = index;
        this.limits = new Session.Limits(config.maxFrameBytes(), config.frameTarget(), config.chunkHashes(),
                config.maxUnitEntries(), config.maxScanEntries(), config.fetchBatch());
        this.limiter = config.bytesPerSecond() > 0 ? new RateLimiter(config.bytesPerSecond(), config.scheduler()) : null;
        this.metrics = new RepairMetrics(config.meterRegistry(), config.name());
        metrics.gauge("sessions.active", active::get);
        metrics.gauge("tree.changes", index::changesApplied);
        metrics.gauge("tree.bytes", index::memoryBytes);
    }

    /**
     * Builds the store's index (one full scan) and starts listening.
     *
     * @param store  the local store
     * @param config settings
     * @return the running service
     */
    public static Mono<RepairService> start(RepairStore store, RepairConfig config) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        return MerkleIndex.build(store, config)
                .flatMap(index -> {
                    RepairService service = new RepairService(store, config, index);
                    return service.listen().thenReturn(service).doOnError(e -> index.close());
                });
    }

    private Mono<Void> listen() {
        return TcpServer.create()
                .bindAddress(config::bind)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .doOnConnection(c -> SessionDriver.installDecoder(c, config.maxFrameBytes()))
                .handle((in, out) -> {
                    if (active.incrementAndGet() > config.maxInboundSessions()) {
                        active.decrementAndGet();
                        byte[] busy = Session.errorFrame(new RepairException("busy: too many repair sessions")).encode();
                        return out.send(Mono.just(Unpooled.wrappedBuffer(busy))).then();
                    }
                    AtomicReference<String> peer = new AtomicReference<>("unknown");
                    in.withConnection(c -> peer.set(String.valueOf(c.channel().remoteAddress())));
                    Session session = Session.responder(store, index.tree(), limits);
                    long t0 = now();
                    return SessionDriver.drive(session, in, out, limiter, config.idleTimeout(), config.scheduler())
                            .doOnSuccess(v -> record(session, peer.get(), RepairReport.Reason.INBOUND, t0, null))
                            .onErrorResume(e -> {
                                record(session, peer.get(), RepairReport.Reason.INBOUND, t0, e);
                                return Mono.empty();
                            })
                            .doFinally(s -> active.decrementAndGet());
                })
                .bind()
                .doOnNext(s -> server = s)
                .then();
    }

    /** @return the address the repair server listens on (its real port when bound to port 0) */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.address();
    }

    /** @return the store's trees */
    public MerkleIndex index() {
        return index;
    }

    /** @return the settings */
    public RepairConfig config() {
        return config;
    }

    /**
     * Repairs one range with one peer (both directions).
     *
     * @param range the token range
     * @param peer  the peer's repair address
     * @return the report; errors with a {@link RepairException} when the session failed (the
     *     failed report is still published on {@link #reports()})
     */
    public Mono<RepairReport> repair(TokenRange range, InetSocketAddress peer) {
        return repair(range, peer, peer.toString(), RepairReport.Reason.MANUAL);
    }

    /**
     * Repairs one range with one peer (both directions).
     *
     * @param range    the token range
     * @param peer     the peer's repair address
     * @param peerName the peer's name for the report
     * @param reason   why the session runs
     * @return the report; errors with a {@link RepairException} when the session failed
     */
    @Override
    public Mono<RepairReport> repair(TokenRange range, InetSocketAddress peer, String peerName,
                                     RepairReport.Reason reason) {
        return Mono.defer(() -> {
            Session session = Session.initiator(store, index.tree(), limits, range);
            long t0 = now();
            return TcpClient.newConnection()
                    .remoteAddress(() -> peer)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            config.connectTimeout().toMillis()))
                    .doOnConnected(c -> SessionDriver.installDecoder(c, config.maxFrameBytes()))
                    .connect()
                    .flatMap(conn -> SessionDriver.drive(session, conn.inbound(), conn.outbound(), limiter,
                                    config.idleTimeout(), config.scheduler())
                            .doFinally(s -> conn.dispose()))
                    .then(Mono.fromSupplier(() -> record(session, peerName, reason, t0, null)))
                    .onErrorResume(e -> {
                        record(session, peerName, reason, t0, e);
                        return Mono.error(e instanceof RepairException ? e
                                : new RepairException("repair of " + range + " with " + peerName + " failed: " + e, e));
                    });
        });
    }

    /** @return every session's report (both roles), from now on; a slow subscriber misses reports */
    public Flux<RepairReport> reports() {
        return reports.asFlux();
    }

    /**
     * Stops the server and the index; sessions in progress fail.
     *
     * @return completes when the server is closed
     */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            index.close();
            reports.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            DisposableServer s = server;
            if (s == null) {
                return Mono.empty();
            }
            s.disposeNow(Duration.ofSeconds(5));
            return Mono.empty();
        });
    }

    private long now() {
        return config.scheduler().now(TimeUnit.MILLISECONDS);
    }

    private RepairReport record(Session s, String peer, RepairReport.Reason reason, long t0, Throwable error) {
        Duration took = Duration.ofMillis(Math.max(0, now() - t0));
        boolean initiator = s.role() == Session.Role.INITIATOR;
        RepairReport r = new RepairReport(s.range(), peer, initiator, reason, s.mode(), s.differences(),
                s.entriesOut(), s.entriesIn(), s.bytesOut(), s.bytesIn(), s.turnsSent(), took,
                error == null ? null : String.valueOf(error.getMessage()));
        metrics.session(initiator ? "initiator" : "responder", error == null, r.differences(), r.entriesReceived(),
                r.entriesSent(), r.bytesReceived(), r.bytesSent(), took);
        if (s.skipped() > 0) {
            LOG.warn("repair of {} with {}: {} entries too large for a frame were not sent", s.range(), peer, s.skipped());
        }
        if (error != null) {
            LOG.debug("repair of {} with {} failed: {}", s.range(), peer, error.toString());
        }
        reports.emitNext(r, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        return r;
    }

}
