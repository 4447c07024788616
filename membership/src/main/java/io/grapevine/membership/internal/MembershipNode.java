package io.grapevine.membership.internal;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.MembershipStats;
import io.grapevine.membership.MembershipView;
import io.grapevine.membership.Transport;
import io.grapevine.membership.TransportFactory;
import io.grapevine.membership.internal.codec.DropException;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.PacketLayers;
import io.grapevine.membership.internal.codec.SerfTags;
import io.grapevine.membership.internal.codec.StreamLayers;
import io.grapevine.membership.internal.codec.WireCodec;
import io.grapevine.membership.internal.protocol.AckTracker;
import io.grapevine.membership.internal.protocol.Awareness;
import io.grapevine.membership.internal.protocol.BroadcastQueue;
import io.grapevine.membership.internal.protocol.Gossiper;
import io.grapevine.membership.internal.protocol.InboundPackets;
import io.grapevine.membership.internal.protocol.MemberTable;
import io.grapevine.membership.internal.protocol.MembershipListener;
import io.grapevine.membership.internal.protocol.MembershipState;
import io.grapevine.membership.internal.protocol.NodeRecord;
import io.grapevine.membership.internal.protocol.PacketSender;
import io.grapevine.membership.internal.protocol.Prober;
import io.grapevine.membership.internal.protocol.ProtocolClock;
import io.grapevine.membership.internal.protocol.ProtocolMetrics;
import io.grapevine.membership.internal.protocol.PushPullSync;
import io.grapevine.membership.internal.protocol.Reconnector;
import io.grapevine.membership.internal.protocol.SeedJoiner;
import io.grapevine.membership.internal.protocol.SerfIntents;
import io.grapevine.membership.internal.protocol.UserBroadcasts;
import io.grapevine.membership.internal.transport.NettyTransportFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A running node: wires the transport, the codec layers and the protocol pieces together and
 * implements the public {@link Membership} API. All protocol state lives on one serial worker
 * of the configured scheduler; the public methods only hop onto it.
 */
public final class MembershipNode implements Membership {
    private static final Logger log = LoggerFactory.getLogger(MembershipNode.class);
    /** Inbound messages waiting for the worker beyond which new ones are dropped. */
    private static final int MAX_PENDING_INBOUND = 10_000;
    /** User messages queued for gossip at most. */
    private static final int MAX_USER_BROADCASTS = 1_024;
    /** Member broadcasts queued at most (one per member, so this bounds cluster size too). */
    private static final int MAX_MEMBER_BROADCASTS = 100_000;

    private final MembershipConfig config;
    private final String name;
    private final ProtocolClock clock;
    private final ProtocolMetrics metrics;
    private final RateLimitedLog peerLog;
    private final PacketLayers packetLayers;
    private final StreamLayers streamLayers;
    private final EventPublisher publisher;
    private final AtomicInteger pendingInbound = new AtomicInteger();
    private final AtomicBoolean shutdown = new AtomicBoolean();
    private final Disposable.Composite timers = Disposables.composite();

    private volatile Transport transport;
    private volatile boolean ready;
    private Prober.Endpoint endpoint;
    private MemberTable table;
    private MembershipState state;
    private UserBroadcasts userBroadcasts;
    private BroadcastQueue userQueue;
    private SerfIntents serfIntents;
    private AckTracker acks;
    private PacketSender sender;
    private Prober prober;
    private InboundPackets inbound;
    private PushPullSync pushPull;
    private SeedJoiner joiner;
    private Reconnector reconnector;

    private MembershipNode(MembershipConfig config) {
        this.config = config;
        this.name = config.nodeName();
        Scheduler scheduler = config.scheduler() != null ? config.scheduler() : SharedSchedulers.protocol();
        this.clock = new ProtocolClock(scheduler);
        this.metrics = new ProtocolMetrics(config.meterRegistry(), name);
        this.peerLog = new RateLimitedLog(log, Duration.ofSeconds(10), () -> clock.now() * 1_000_000L);
        this.packetLayers = new PacketLayers(config.keyring(), config.compressOutbound());
        this.streamLayers = new StreamLayers(config.keyring(), config.compressOutbound());
        Scheduler delivery = config.deliveryScheduler() != null ? config.deliveryScheduler() : Schedulers.boundedElastic();
        this.publisher = new EventPublisher(name, clock, metrics, delivery, config.eventBufferSize(),
                config.messageBufferSize());
    }

    /**
     * Binds, starts the protocol and joins through the seeds.
     *
     * @param config the configuration
     * @return the node, once bound and joined (or once every seed was tried)
     */
    public static Mono<MembershipNode> start(MembershipConfig config) {
        Objects.requireNonNull(config, "config");
        MembershipNode node = new MembershipNode(config);
        TransportFactory factory = config.transport() != null ? config.transport()
                : new NettyTransportFactory(config.meterRegistry(), config.nodeName());
        return factory.bind(config.bind(), node.new Inbound())
                .flatMap(t -> Mono.<MembershipNode>create(sink -> node.clock.execute(() -> {
                    try {
                        node.wire(t);
                        sink.success(node);
                    } catch (RuntimeException e) {
                        sink.error(e);
                    }
                })))
                .flatMap(n -> n.joiner.join().thenReturn(n));
    }

    /** Builds the protocol around a bound transport; runs on the worker. */
    private void wire(Transport t) {
        this.transport = t;
        InetSocketAddress bound = t.boundAddress();
        InetSocketAddress adv = config.advertise() != null ? config.advertise() : bound;
        if (adv.getPort() == 0) {
            adv = new InetSocketAddress(adv.getAddress(), bound.getPort());
        }
        byte[] ip = adv.getAddress().getAddress();
        endpoint = new Prober.Endpoint(ip, adv.getPort());
        table = new MemberTable(config.random());
        Awareness awareness = new Awareness(config.awarenessMaxMultiplier());
        BroadcastQueue memberBroadcasts = new BroadcastQueue(config.retransmitMult(), table::size, MAX_MEMBER_BROADCASTS);
        userQueue = new BroadcastQueue(config.retransmitMult(), table::size, MAX_USER_BROADCASTS);
        userBroadcasts = new UserBroadcasts(userQueue, config.random(), publisher::message, clock,
                config.gossipToTheDead().multipliedBy(10));
        long probeInterval = config.probeInterval().toMillis();
        state = new MembershipState(name, table, memberBroadcasts, awareness, clock, metrics, new Listener(),
                config.suspicionMult(), config.suspicionMaxTimeoutMult(), probeInterval);
        acks = new AckTracker(clock);
        sender = new PacketSender(t, packetLayers, table, memberBroadcasts, userQueue, metrics,
                config.keyring() != null);
        pushPull = new PushPullSync(state, clock, t, streamLayers, metrics, config.streamTimeout());
        prober = new Prober(name, endpoint, table, state, acks, sender, awareness, clock, metrics, this::tcpPing,
                this::reaped, probeInterval, config.probeTimeout().toMillis(), config.indirectChecks(),
                config.gossipToTheDead().toMillis(), config.suspectOnRefusedConnection());
        serfIntents = new SerfIntents(name, table);
        inbound = new InboundPackets(name, endpoint, state, acks, sender, clock, metrics, body -> {
            switch (serfIntents.witness(body)) {
                case NOT_AN_INTENT -> userBroadcasts.received(body);
                case NEW_INTENT -> userQueue.enqueue(null, WireCodec.encode(new Message.UserPacket(body)), null);
                case OLD_INTENT -> { }
            }
        },
                config.probeTimeout().toMillis());
        Gossiper gossiper = new Gossiper(name, table, sender, clock, config.gossipNodes(),
                config.gossipToTheDead().toMillis());
        List<InetSocketAddress> seeds = new ArrayList<>(config.seeds());
        seeds.remove(adv);
        seeds.remove(bound);
        joiner = new SeedJoiner(seeds, pushPull, clock, config.joinRetryInitial(), config.joinRetryMax());
        reconnector = new Reconnector(table, pushPull, joiner, clock, config.random(), config.reconnectTimeout());

        state.start(ip, adv.getPort(), SerfTags.encode(config.tags()), 1);
        // serf members order joins and leaves by their intents; announce ours as serf does.
        userQueue.enqueue(null, serfIntents.joinIntent(), null);
        ready = true;

        timers.add(clock.every(prober::tick, jitter(probeInterval), probeInterval));
        long gossip = config.gossipInterval().toMillis();
        timers.add(clock.every(gossiper::tick, jitter(gossip), gossip));
        long reconnect = config.reconnectInterval().toMillis();
        timers.add(clock.every(reconnector::tick, reconnect + jitter(reconnect), reconnect));
        if (!config.pushPullInterval().isZero()) {
            schedulePushPull();
        }
        log.info("{} bound to {} advertising {} (seeds {})", name, bound, adv, seeds);
    }

    private long jitter(long period) {
        return period <= 1 ? 0 : config.random().nextLong(period);
    }

    /** Periodic full sync with one random live member; slower in big clusters, as memberlist. */
    private void schedulePushPull() {
        long base = config.pushPullInterval().toMillis();
        int n = table.size();
        long scaled = n <= 32 ? base : (long) (base * (Math.ceil(Math.log(n) / Math.log(2) - 5) + 1));
        timers.add(clock.schedule(() -> {
            if (shutdown.get()) {
                return;
            }
            List<NodeRecord> peer = table.randomMembers(1,
                    r -> r.name().equals(name) || r.state() != MemberState.ALIVE);
            if (!peer.isEmpty()) {
                pushPull.exchange(peer.get(0).socketAddress(), false).subscribe(v -> { },
                        e -> log.debug("push/pull with {} failed: {}", peer.get(0).name(), e.getMessage()));
            }
            schedulePushPull();
        }, scaled + jitter(Math.max(1, base / 10))));
    }

    private Mono<Boolean> tcpPing(InetSocketAddress to, Message.Ping ping, long timeoutMillis) {
        byte[] request = streamLayers.wrap(WireCodec.encode(ping));
        metrics.sent(request.length);
        return transport.sendStream(to, request, true, Duration.ofMillis(Math.max(1, timeoutMillis)))
                .map(reply -> {
                    metrics.received(reply.length);
                    try {
                        Message m = streamLayers.unwrap(reply);
                        return m instanceof Message.Ack a && a.seqNo() == ping.seqNo();
                    } catch (DropException e) {
                        metrics.drop(e.reason());
                        return false;
                    }
                });
    }

    private void reaped(List<NodeRecord> records) {
        for (NodeRecord r : records) {
            serfIntents.reaped(r);
            publisher.removed(r);
            publisher.event(MembershipEvent.Type.REMOVED, r.toMember());
        }
    }

    /** Receives from the transport on its threads; decodes there, then hops to the worker. */
    private final class Inbound implements Transport.Inbound {
        @Override
        public void onPacket(InetSocketAddress from, byte[] packet) {
            metrics.received(packet.length);
            if (!ready || shutdown.get()) {
                metrics.drop("not-running");
                return;
            }
            PacketLayers.Unwrapped result;
            try {
                result = packetLayers.unwrap(packet);
            } catch (DropException e) {
                dropped(from, e);
                return;
            }
            for (DropException e : result.drops()) {
                dropped(from, e);
            }
            if (result.messages().isEmpty()) {
                return;
            }
            if (pendingInbound.incrementAndGet() > MAX_PENDING_INBOUND) {
                pendingInbound.decrementAndGet();
                metrics.drop("overload");
                return;
            }
            clock.execute(() -> {
                pendingInbound.decrementAndGet();
                for (Message m : result.messages()) {
                    inbound.handle(from, m);
                }
            });
        }

        @Override
        public Mono<byte[]> onStream(InetSocketAddress from, byte[] stream) {
            metrics.received(stream.length);
            if (!ready || shutdown.get()) {
                metrics.drop("not-running");
                return Mono.empty();
            }
            Message m;
            try {
                m = streamLayers.unwrap(stream);
            } catch (DropException e) {
                dropped(from, e);
                return Mono.just(countSent(streamLayers.wrap(WireCodec.encode(new Message.ErrorResponse(e.getMessage())))));
            }
            if (m instanceof Message.PushPull pp) {
                return Mono.<byte[]>create(sink -> clock.execute(() -> sink.success(countSent(pushPull.respond(pp)))));
            }
            if (m instanceof Message.Ping p) {
                if (p.node() != null && !p.node().isEmpty() && !p.node().equals(name)) {
                    metrics.drop("wrong-node");
                    return Mono.empty();
                }
                return Mono.just(countSent(streamLayers.wrap(WireCodec.encode(new Message.Ack(p.seqNo(), null)))));
            }
            if (m instanceof Message.UserStream u) {
                clock.execute(() -> publisher.message(u.payload()));
                return Mono.empty();
            }
            metrics.drop("unexpected-type");
            return Mono.just(countSent(streamLayers.wrap(WireCodec.encode(
                    new Message.ErrorResponse("unexpected stream message type " + m.type())))));
        }

        private byte[] countSent(byte[] reply) {
            metrics.sent(reply.length);
            return reply;
        }

        private void dropped(InetSocketAddress from, DropException e) {
            metrics.drop(e.reason());
            peerLog.warn(e.reason(), "{} dropped input from {}: {}", name, from, e.getMessage());
        }
    }

    /** Turns member table changes into public events. Runs on the worker. */
    private final class Listener implements MembershipListener {
        @Override
        public void onEvent(MembershipEvent.Type type, NodeRecord record) {
            if (type == MembershipEvent.Type.FAILED) {
                reconnector.failed(record);
            } else if (type == MembershipEvent.Type.JOINED || type == MembershipEvent.Type.LEFT) {
                reconnector.forget(record.name());
            }
            publisher.event(type, record.toMember());
        }

        @Override
        public void onChanged(NodeRecord record) {
            publisher.changed(record);
        }

        @Override
        public void onConflict(String member, InetSocketAddress existing, InetSocketAddress claimed) {
            peerLog.warn("conflict:" + member, "name conflict: {} is known at {} but {} claims it too",
                    member, existing, claimed);
        }
    }

    @Override
    public Member local() {
        return publisher.view().member(name).orElseThrow();
    }

    @Override
    public List<Member> members() {
        return publisher.view().members();
    }

    @Override
    public MembershipView view() {
        return publisher.view();
    }

    @Override
    public Flux<MembershipView> views() {
        return publisher.views();
    }

    @Override
    public Flux<MembershipEvent> events() {
        return publisher.events();
    }

    @Override
    public Mono<Void> setTags(Map<String, String> tags) {
        return Mono.fromCallable(() -> {
            byte[] meta = SerfTags.encode(Objects.requireNonNull(tags, "tags"));
            if (meta.length > MembershipConfig.MAX_META_BYTES) {
                throw new IllegalArgumentException("tags encode to " + meta.length + " bytes; at most "
                        + MembershipConfig.MAX_META_BYTES + " are allowed");
            }
            return meta;
        }).flatMap(meta -> onWorker(() -> state.updateLocalMeta(meta)));
    }

    @Override
    public Mono<Void> broadcast(byte[] payload) {
        return Mono.fromCallable(() -> {
            Objects.requireNonNull(payload, "payload");
            if (payload.length > config.maxUserMessageBytes()) {
                throw new IllegalArgumentException("broadcast of " + payload.length + " bytes exceeds maxUserMessageBytes ("
                        + config.maxUserMessageBytes() + ")");
            }
            return payload.clone();
        }).flatMap(copy -> {
            if (copy.length <= PacketSender.MAX_PACKET / 2) {
                return onWorker(() -> userBroadcasts.enqueue(userBroadcasts.encode(copy)));
            }
            // Too big for gossip: send it to every live member over a stream, like memberlist's SendReliable.
            return Mono.<List<InetSocketAddress>>create(sink -> clock.execute(() -> {
                List<InetSocketAddress> to = new ArrayList<>();
                for (NodeRecord r : table.all()) {
                    if (!r.name().equals(name) && r.state().isLive()) {
                        to.add(r.socketAddress());
                    }
                }
                sink.success(to);
            })).flatMapMany(Flux::fromIterable)
                    .flatMap(addr -> {
                        byte[] stream = streamLayers.wrap(WireCodec.encode(new Message.UserStream(copy)));
                        metrics.sent(stream.length);
                        return transport.sendStream(addr, stream, false, config.streamTimeout())
                                .onErrorResume(e -> {
                                    log.debug("user message to {} failed: {}", addr, e.getMessage());
                                    return Mono.empty();
                                });
                    }, 16)
                    .then();
        });
    }

    @Override
    public Flux<byte[]> messages() {
        return publisher.messages();
    }

    @Override
    public Mono<Void> leave() {
        return Mono.<Void>create(sink -> {
            if (!clockAlive(sink)) {
                return;
            }
            clock.execute(() -> {
                if (!state.anyOtherAlive()) {
                    state.leave(() -> { });
                    sink.success();
                    return;
                }
                // As serf does: first the leave intent (so serf members say "left", not
                // "failed"), and once it has been gossiped, the dead message about ourselves.
                // The intent also goes straight to every live member, so that no serf agent
                // can see the dead message first.
                byte[] intent = serfIntents.leaveIntent();
                for (NodeRecord r : table.all()) {
                    if (!r.name().equals(name) && r.state().isLive()) {
                        sender.sendAll(r.socketAddress(), List.of(intent));
                    }
                }
                userQueue.enqueue(null, intent, () -> clock.execute(() -> state.leave(sink::success)));
            });
        }).timeout(config.leaveTimeout(), timeoutScheduler())
                .onErrorResume(TimeoutException.class, e -> {
                    log.warn("{}: leave message not fully gossiped within {}", name, config.leaveTimeout());
                    return Mono.empty();
                });
    }

    private Scheduler timeoutScheduler() {
        return config.scheduler() != null ? config.scheduler() : Schedulers.parallel();
    }

    private boolean clockAlive(MonoSink<Void> sink) {
        if (shutdown.get() || clock.isDisposed()) {
            sink.error(new IllegalStateException(name + " is shut down"));
            return false;
        }
        return true;
    }

    @Override
    public Mono<Void> shutdown() {
        // Lazy, like every Mono: nothing happens until subscription, so that
        // leave().then(shutdown()) leaves first.
        return Mono.defer(() -> {
            if (!shutdown.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return Mono.<Void>create(sink -> clock.execute(() -> {
                        timers.dispose();
                        if (joiner != null) {
                            joiner.stop();
                        }
                        if (prober != null) {
                            prober.stop();
                            state.close();
                            acks.clear();
                        }
                        publisher.complete();
                        sink.success();
                    }))
                    .then(Mono.fromRunnable(clock::dispose))
                    .then(Mono.defer(() -> transport != null ? transport.close() : Mono.empty()))
                    .doOnSuccess(v -> log.info("{} shut down", name));
        });
    }

    @Override
    public MembershipStats stats() {
        return metrics.snapshot();
    }

    private Mono<Void> onWorker(Runnable task) {
        return Mono.create(sink -> {
            if (shutdown.get()) {
                sink.error(new IllegalStateException(name + " is shut down"));
                return;
            }
            clock.execute(() -> {
                task.run();
                sink.success();
            });
        });
    }
}
