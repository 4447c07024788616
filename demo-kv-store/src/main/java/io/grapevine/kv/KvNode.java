package io.grapevine.kv;

import io.grapevine.kv.internal.ApiLimits;
import io.grapevine.kv.internal.Coordinator;
import io.grapevine.kv.internal.ChangeSync;
import io.grapevine.kv.internal.Dashboard;
import io.grapevine.kv.internal.DashboardSettings;
import io.grapevine.kv.internal.DashboardSource;
import io.grapevine.kv.internal.RangeSync;
import io.grapevine.kv.internal.HostPort;
import io.grapevine.kv.internal.HttpApi;
import io.grapevine.kv.internal.HybridClock;
import io.grapevine.kv.internal.LocalStore;
import io.grapevine.kv.internal.NodeBackend;
import io.grapevine.kv.internal.NodeCounters;
import io.grapevine.kv.internal.Peers;
import io.grapevine.kv.internal.RepairFigures;
import io.grapevine.kv.internal.ReplicaClient;
import io.grapevine.membership.Member;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipView;
import io.grapevine.repair.RepairConfig;
import io.grapevine.repair.RepairReport;
import io.grapevine.repair.RepairScheduler;
import io.grapevine.repair.RepairService;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRing;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;

/**
 * One key-value node: membership (SWIM gossip), the token ring that follows it, Merkle repair
 * driven by ring changes and a periodic round, a local store, and the HTTP API through which any
 * node coordinates any key.
 *
 * <pre>{@code
 * KvNode node = KvNode.start(KvConfig.builder().name("n1").build()).block();
 * node.ringChanges().subscribe(c -> log.info("{} ranges moved", c.movements().size()));
 * node.repairReports().subscribe(r -> log.info("repaired {} with {}", r.range(), r.peer()));
 * node.close().block();
 * }</pre>
 *
 * <p>Everything a dashboard shows is reachable from here: {@link #membership()} (views and events
 * Fluxes), {@link #ring()} and {@link #ringChanges()}, {@link #repairReports()},
 * {@link #localKeyCount()} and {@link #stats()}.
 */
public final class KvNode {
    private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);

    /** How long the ring must stay unchanged before a starting node repairs its ranges. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long after the last ring change this node compares its ranges with every co-replica. */
    private static final Duration SYNC_AFTER_CHANGE = Duration.ofSeconds(5);
    /** How long after the last write routed by another ring its ranges are repaired. */
    private static final Duration SYNC_AFTER_STALE_WRITES = Duration.ofSeconds(3);

    private final KvConfig config;
    private final HybridClock clock = HybridClock.system();
    private final LocalStore store;
    private final NodeCounters counters = new NodeCounters();
    private final Peers peers = new Peers();
    private final RepairFigures figures = new RepairFigures();
    private final ReplicaClient replicas;
    private final HttpApi api;
    private final Dashboard dashboard;
    private final Disposable.Composite subscriptions = Disposables.composite();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean leaving = new AtomicBoolean();
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private volatile RepairService repair;
    private volatile DisposableServer server;
    private volatile Membership membership;
    private volatile TokenRing ring;
    private volatile RepairScheduler scheduler;
    private volatile Coordinator coordinator;
    private volatile ChangeSync changeSync;

    private KvNode(KvConfig config) {
        this.config = config;
        this.store = LocalStore.open(config.dataDir(), config.fsync(), clock, config.tombstoneGrace().toMillis());
        this.replicas = new ReplicaClient(config.requestTimeout(), config.maxValueBytes(), 64);
        this.dashboard = new Dashboard(DashboardSettings.of(config.dashboardConnections(), config.dashboardRefresh(),
            config.dashboardStallTimeout()), config.meterRegistry());
        this.api = new HttpApi(new Backend(), new ApiLimits(KvConfig.MAX_KEY_BYTES, config.maxValueBytes(),
            config.replication(), config.writeQuorum(), config.readQuorum(), config.maxInFlight(),
            config.maxBufferedBytes()), dashboard);
    }

    /**
     * Opens the store, starts the repair server and the HTTP API, joins the cluster through the
     * seeds, and starts following the ring (a node that starts repairs every range it
     * replicates with the other replicas, which is how a restarted node catches up).
     *
     * @param config the settings
     * @return the running node; errors when a port or the data directory cannot be used
     */
    public static Mono<KvNode> start(KvConfig config) {
        return Mono.fromCallable(() -> new KvNode(config))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMap(KvNode::boot);
    }

    private Mono<KvNode> boot() {
        RepairConfig repairConfig = RepairConfig.builder()
            .name(config.name())
            .bind(config.repair())
            .maxFrameBytes(frameBytesFor(config.maxValueBytes()))
            .meterRegistry(config.meterRegistry())
            .build();
        return RepairService.start(store, repairConfig)
            .doOnNext(r -> {
                repair = r;
                subscriptions.add(r.reports().subscribe(figures::session));
            })
            .then(Mono.defer(() -> api.bind(config.http())))
            .doOnNext(s -> server = s)
            .then(Mono.defer(() -> Membership.start(membershipConfig())))
            .doOnNext(m -> membership = m)
            .then(Mono.fromRunnable(this::follow))
            .thenReturn(this)
            .onErrorResume(e -> close().then(Mono.error(e)));
    }

    private MembershipConfig membershipConfig() {
        Map<String, String> tags = new LinkedHashMap<>(config.tags());
        tags.put(Peers.HTTP_TAG, HostPort.format(advertised(httpAddress())));
        tags.put(Peers.REPAIR_TAG, HostPort.format(advertised(repair.address())));
        return MembershipConfig.builder()
            .nodeName(config.name())
            .bind(config.gossip())
            .seeds(config.seeds())
            .tags(tags)
            .profile(config.profile())
            .meterRegistry(config.meterRegistry())
            .build();
    }

    /** A wildcard bind address is advertised with the gossip host, which peers can dial. */
    private InetSocketAddress advertised(InetSocketAddress bound) {
        if (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()) {
            return new InetSocketAddress(config.gossip().getAddress(), bound.getPort());
        }
        return bound;
    }

    private void follow() {
        subscriptions.add(membership.views().subscribe(peers::update));
        RingConfig ringConfig = ringConfig(config);
        ring = TokenRing.follow(membership.views(), ringConfig);
        coordinator = new Coordinator(config.name(), store, clock, replicas, peers, ring::current,
            config.requestTimeout(), counters, leaving::get);
        scheduler = RepairScheduler.builder(repair, config.name(), peers::repair)
            .periodicInterval(config.repairInterval())
            .concurrency(config.repairConcurrency())
            .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))
            .meterRegistry(config.meterRegistry())
            .start(settled(ring, !config.seeds().isEmpty(), SETTLE));
        subscriptions.add(scheduler.reports().subscribe(figures::scheduled));
        changeSync = new ChangeSync(config.name(), ring::current, peers, repair, config.repairConcurrency(),
            SYNC_AFTER_CHANGE, SYNC_AFTER_STALE_WRITES);
        subscriptions.add(changeSync);
        subscriptions.add(ring.snapshots().skip(1).subscribe(s -> changeSync.ringChanged()));
        Duration purgeEvery = purgeInterval(config.tombstoneGrace());
        subscriptions.add(Flux.interval(purgeEvery, purgeEvery)
            .concatMap(t -> store.purgeTombstones().onErrorResume(e -> {
                LOG.warn("tombstone purge failed: {}", e.toString());
                return Mono.just(0L);
            }))
            .subscribe(n -> {
                if (n > 0) {
                    LOG.info("purged {} tombstones older than {}", n, config.tombstoneGrace());
                }
            }));
        dashboard.start(new DashboardFeed());
        LOG.info("node {} up: http {}, gossip {}, repair {}, {} storage", config.name(), httpAddress(),
            membership.local().address(), repair.address(), store.file() == null ? "memory" : store.file());
    }

    /**
     * The snapshots the repair scheduler follows. Its first snapshot is compared with an empty
     * ring, so the node repairs every range it replicates with every co-replica: that is how a
     * restarted or new node catches up. The first snapshot must therefore show the cluster as it
     * is, not a node that has not met its peers yet (alone, it would "gain" the whole ring with
     * nobody to repair from, and later lose ranges without ever gaining one). So the first one
     * passed on is the first that has not changed for {@code settle}, skipping snapshots where
     * this node is alone although it has seeds; every later snapshot is passed on as it comes.
     */
    static Flux<RingSnapshot> settled(TokenRing ring, boolean expectPeers, Duration settle) {
        return ring.snapshots()
            .filter(s -> !expectPeers || s.members().size() > 1)
            .sampleTimeout(s -> Mono.delay(settle))
            .take(1)
            .flatMap(first -> Flux.concat(Mono.just(first), ring.snapshots().filter(s -> s != first)));
    }

    /**
     * @param config node settings
     * @return the ring configuration every node of the cluster derives from the same settings
     */
    public static RingConfig ringConfig(KvConfig config) {
        return RingConfig.builder()
            .replicationFactor(config.replication())
            .partitions(config.partitions())
            .zoneTag("zone")
            .failedGracePeriod(config.failedGrace())
            .build();
    }

    private static int frameBytesFor(int maxValueBytes) {
        long need = Math.max(4L << 20, (long) maxValueBytes + (256 << 10));
        return (int) Math.min(need, 64L << 20);
    }

    private static Duration purgeInterval(Duration grace) {
        Duration quarter = grace.dividedBy(4);
        if (quarter.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return quarter.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : quarter;
    }

    /** @return the node name */
    public String name() {
        return config.name();
    }

    /** @return the settings */
    public KvConfig config() {
        return config;
    }

    /** @return the membership: {@code views()}, {@code events()}, {@code members()} */
    public Membership membership() {
        return membership;
    }

    /** @return the ring this node routes with: {@code snapshots()}, {@code current()} */
    public TokenRing ring() {
        return ring;
    }

    /**
     * @return the current snapshot on subscribe (with all its ranges as movements), then every
     *         change with the ranges that moved
     */
    public Flux<RingChange> ringChanges() {
        return Flux.defer(() -> {
            AtomicReference<RingSnapshot> previous = new AtomicReference<>();
            return ring.snapshots().map(next -> {
                RingSnapshot before = previous.getAndSet(next);
                RingSnapshot base = before != null ? before : RingSnapshot.of(List.of(), next.config());
                return new RingChange(before, next, RingSnapshot.movements(base, next));
            });
        });
    }

    /**
     * @return every repair session's report (both roles) from now on, plus the scheduler's report
     *         for a range it gave up on; a slow subscriber misses reports rather than slowing repair
     */
    public Flux<RepairReport> repairReports() {
        return figures.reports();
    }

    /** @return the repair server (its Merkle index, its address) */
    public RepairService repairService() {
        return repair;
    }

    /** @return the anti-entropy scheduler */
    public RepairScheduler repairScheduler() {
        return scheduler;
    }

    /** @return where the HTTP API listens */
    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) server.address();
    }

    /** @return where the repair server listens */
    public InetSocketAddress repairAddress() {
        return repair.address();
    }

    /** @return keys this node holds a value for (its own replica, tombstones not counted) */
    public long localKeyCount() {
        return store.liveKeys();
    }

    /** @return this node's figures, as {@code GET /stats} shows them */
    public KvStats stats() {
        RingSnapshot r = ring == null ? null : ring.current();
        KvStats.Ring ringStats = r == null ? null : new KvStats.Ring(r.digest(), r.members().size(),
            r.config().replicationFactor(), r.config().partitions(), r.rangesOf(config.name()).size(),
            r.ownership(config.name()));
        NodeCounters c = counters;
        KvStats.Requests requests = new KvStats.Requests(c.puts.get(), c.gets.get(), c.deletes.get(),
            c.localGets.get(), c.quorumFailures.get(), c.overloaded.get(), c.rejected.get(), c.replicaWrites.get(),
            c.replicaReads.get(), c.readRepairs.get(), c.readRepairFailures.get());
        RepairScheduler s = scheduler;
        return new KvStats(config.name(), store.liveKeys(), store.tombstones(), store.purgedTombstones(),
            store.file() == null ? "memory" : store.file().toString(), requests,
            figures.snapshot(s == null ? 0 : s.pending()), ringStats);
    }

    /**
     * Leaves the cluster for good: stops accepting replica writes (coordinators count the other
     * replicas), hands every range over to the members that gain it, leaves the membership
     * gracefully (others see LEFT at once), then closes.
     *
     * @return what was handed over, once the node is closed
     */
    public Mono<LeaveReport> leave() {
        return handOverAndLeave().flatMap(report -> close().thenReturn(report));
    }

    private Mono<LeaveReport> handOverAndLeave() {
        return Mono.defer(() -> {
            leaving.set(true);
            RingSnapshot current = ring.current();
            Mono<LeaveReport> handoff = current == null
                ? Mono.just(new LeaveReport(0, 0, 0, 0, 0))
                : RangeSync.run(RangeSync.handoff(current, config.name()), peers, repair, RepairReport.Reason.MANUAL,
                    config.repairConcurrency(), 3)
                    .map(s -> new LeaveReport(s.sessions(), s.succeeded(), s.failed(), s.entriesSent(), s.millis()));
            return handoff
                .doOnNext(r -> LOG.info("handed ranges over before leaving: {}", r))
                .flatMap(r -> membership.leave().onErrorResume(e -> Mono.empty()).thenReturn(r));
        });
    }

    /**
     * Stops the node without leaving: the others will find it FAILED, and its ranges move after
     * the failed grace period (a restart on the same data directory within it moves nothing).
     * The store is committed and closed.
     *
     * @return completes when everything is released
     */
    public Mono<Void> close() {
        if (!closing.compareAndSet(false, true)) {
            return closed.asMono();
        }
        return Mono.defer(() -> {
            Mono<Void> dashboards = dashboard.close().timeout(Duration.ofSeconds(5), Mono.empty())
                .onErrorResume(e -> Mono.empty());
            subscriptions.dispose();
            if (scheduler != null) {
                scheduler.dispose();
            }
            if (ring != null) {
                ring.dispose();
            }
            DisposableServer s = server;
            Mono<Void> http = s == null ? Mono.empty() : Mono.fromRunnable(s::dispose).then(s.onDispose());
            Membership m = membership;
            Mono<Void> gossip = m == null ? Mono.empty() : m.shutdown();
            RepairService r = repair;
            Mono<Void> repairs = r == null ? Mono.empty() : r.close();
            return dashboards.then(http.timeout(Duration.ofSeconds(5), Mono.empty()))
                .then(gossip.timeout(Duration.ofSeconds(5), Mono.empty()))
                // RepairService.close() waits for its server to stop: keep it off event loops
                .then(repairs.subscribeOn(Schedulers.boundedElastic()).timeout(Duration.ofSeconds(10), Mono.empty()))
                .then(replicas.close().timeout(Duration.ofSeconds(5), Mono.empty()))
                .onErrorResume(e -> {
                    LOG.warn("error while closing: {}", e.toString());
                    return Mono.empty();
                })
                .then(Mono.fromRunnable(store::close).subscribeOn(Schedulers.boundedElastic()))
                .doFinally(sig -> closed.tryEmitEmpty())
                .then();
        });
    }

    /** @return completes once the node is closed (by {@link #close()}, {@link #leave()} or {@code POST /admin/leave}) */
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    /** The HTTP API's view of this node. */
    private final class Backend implements NodeBackend {
        @Override
        public Coordinator coordinator() {
            return coordinator;
        }

        @Override
        public LocalStore store() {
            return store;
        }

        @Override
        public NodeCounters counters() {
            return counters;
        }

        @Override
        public boolean leaving() {
            return leaving.get();
        }

        @Override
        public void routedBy(String digest, byte[] key) {
            TokenRing t = ring;
            ChangeSync sync = changeSync;
            RingSnapshot current = t == null ? null : t.current();
            if (digest != null && sync != null && current != null && !digest.equals(current.digest())) {
                sync.staleWrite(key);
            }
        }

        @Override
        public Map<String, Object> cluster() {
            Membership m = membership;
            TokenRing t = ring;
            if (m == null || t == null) {
                return null;
            }
            return ClusterView.of(config.name(), m.view(), t.current(), peers);
        }

        @Override
        public Object stats() {
            return KvNode.this.stats();
        }

        @Override
        public Mono<Object> leave() {
            return handOverAndLeave()
                .doOnNext(r -> Mono.delay(Duration.ofMillis(200)).then(close()).subscribe())
                .map(r -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("node", config.name());
                    body.put("left", true);
                    body.put("handoff", r);
                    return body;
                });
        }
    }

    /** What the dashboard follows: this node, once it has joined. */
    private final class DashboardFeed implements DashboardSource {
        @Override
        public String name() {
            return config.name();
        }

        @Override
        public MembershipView view() {
            return membership.view();
        }

        @Override
        public Flux<MembershipView> views() {
            return membership.views();
        }

        @Override
        public RingSnapshot ring() {
            return ring.current();
        }

        @Override
        public Flux<RingChange> ringChanges() {
            return KvNode.this.ringChanges();
        }

        @Override
        public Flux<RepairReport> repairReports() {
            return KvNode.this.repairReports();
        }

        @Override
        public KvStats stats() {
            return KvNode.this.stats();
        }
    }

    /** Builds the body of {@code GET /cluster}. */
    private static final class ClusterView {
        private ClusterView() {
        }

        static Map<String, Object> of(String self, MembershipView view, RingSnapshot ring, Peers peers) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("node", self);
            List<Map<String, Object>> members = new java.util.ArrayList<>();
            for (Member m : view.members()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", m.name());
                e.put("state", m.state().name());
                e.put("incarnation", m.incarnation());
                e.put("gossip", HostPort.format(m.address()));
                InetSocketAddress http = peers.http(m);
                e.put("http", http == null ? null : "http://" + HostPort.format(http));
                e.put("tags", new java.util.TreeMap<>(m.tags()));
                e.put("owner", ring != null && ring.member(m.name()).isPresent());
                e.put("ownership", ring == null ? 0.0 : ring.ownership(m.name()));
                members.add(e);
            }
            body.put("members", members);
            if (ring != null) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("digest", ring.digest());
                r.put("owners", ring.members().size());
                r.put("replication", ring.config().replicationFactor());
                r.put("partitions", ring.config().partitions());
                r.put("ranges", ring.ranges().size());
                body.put("ring", r);
            }
            return body;
        }
    }
}
