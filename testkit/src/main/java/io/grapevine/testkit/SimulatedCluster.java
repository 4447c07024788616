package io.grapevine.testkit;

import io.grapevine.membership.MemberState;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipView;
import io.grapevine.membership.Member;
import io.grapevine.membership.Profile;
import io.grapevine.testkit.internal.EventQueue;
import io.grapevine.testkit.internal.Fabric;
import io.grapevine.testkit.internal.NodeScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A whole cluster of real {@link Membership} nodes in one thread, on a simulated network, in
 * virtual time. The nodes run the production protocol code; only the sockets and the clock are
 * simulated. Nothing happens until time is advanced, and the same seed gives the same run, bit
 * for bit.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder().nodes(100).seed(42).profile(Profile.LAN).build()) {
 *     cluster.advanceUntil(cluster::converged, Duration.ofMinutes(1));
 *     cluster.node("node-007").crash();
 *     cluster.advance(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: drive it from one thread (the test's).
 */
public final class SimulatedCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedCluster.class);
    /** Datagrams and streams held for a paused node at most, like a socket buffer; the rest are lost. */
    private static final int MAX_HELD_DELIVERIES = 4_096;
    private static final int PORT = 7946;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final VirtualTimeScheduler time;
    private final EventQueue queue;
    private final Scheduler.Worker control;
    private final Fabric fabric;
    private final SimulatedNetwork network;
    private final long seed;
    private final Profile profile;
    private final BiFunction<String, MembershipConfig.Builder, MembershipConfig.Builder> configure;
    private final String namePrefix;
    private final int nameWidth;
    private final int seedCount;
    private final boolean recordEvents;
    private final Duration checkEvery;
    private final List<InetSocketAddress> seeds = new ArrayList<>();
    private final List<SimulatedNode> nodes = new ArrayList<>();
    private final Map<String, SimulatedNode> byName = new HashMap<>();
    private final List<ObservedEvent> eventLog = new ArrayList<>();
    private final Sinks.Many<ObservedEvent> eventSink = Sinks.many().multicast().directBestEffort();
    private final List<Throwable> errors = new ArrayList<>();

    private SimulatedCluster(Builder b) {
        this.time = VirtualTimeScheduler.create();
        this.queue = new EventQueue(time, this::error);
        this.control = time.createWorker();
        this.seed = b.seed;
        this.profile = b.profile;
        this.configure = b.configure;
        this.namePrefix = b.namePrefix;
        this.nameWidth = Math.max(3, String.valueOf(Math.max(0, b.nodes - 1)).length());
        this.seedCount = Math.min(b.seedNodes, Math.max(1, b.nodes));
        this.recordEvents = b.recordEvents;
        this.checkEvery = b.checkEvery;
        Latency latency = b.latency != null ? b.latency : defaultLatency(b.profile);
        this.fabric = new Fabric(queue, new SplittableRandom(mix(seed, -1, 0)), latency);
        this.fabric.loss(b.loss);
        this.network = new SimulatedNetwork(fabric, name -> node(name).address());
    }

    /** @return a builder: 3 nodes, seed 0, LAN timings and latency, no loss */
    public static Builder builder() {
        return new Builder();
    }

    private static Latency defaultLatency(Profile p) {
        return switch (p) {
            case WAN -> Latency.wan();
            case LOCAL -> Latency.local();
            default -> Latency.lan();
        };
    }

    private void create(int count, Duration startWithin) {
        SplittableRandom starts = new SplittableRandom(mix(seed, -2, 0));
        for (int i = 0; i < count; i++) {
            SimulatedNode n = newNode(name(i));
            if (i < seedCount) {
                seeds.add(n.address());
            }
        }
        for (SimulatedNode n : nodes) {
            long offset = startWithin.isZero() || n.index() < seedCount ? 0 : starts.nextLong(startWithin.toNanos());
            if (offset == 0) {
                start(n);
            } else {
                control.schedule(() -> start(n), offset, TimeUnit.NANOSECONDS);
            }
        }
    }

    private String name(int index) {
        return namePrefix + String.format("%0" + nameWidth + "d", index);
    }

    private SimulatedNode newNode(String name) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("a node named " + name + " already exists");
        }
        int index = nodes.size();
        SimulatedNode n = new SimulatedNode(this, name, index, addressOf(index));
        nodes.add(n);
        byName.put(name, n);
        return n;
    }

    private static InetSocketAddress addressOf(int index) {
        int ip = (10 << 24) + index + 1;
        byte[] b = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each node generation gets its own stream of randomness, derived from the cluster seed. */
    private static long mix(long seed, int index, int generation) {
        return seed * GOLDEN + (index + 3L) * 0xBF58476D1CE4E5B9L + generation * 0x94D049BB133111EBL;
    }

    /** Starts the current generation of a node. */
    void start(SimulatedNode n) {
        NodeScheduler s = new NodeScheduler(queue, this::error, MAX_HELD_DELIVERIES);
        MembershipConfig.Builder b = MembershipConfig.builder()
                .nodeName(n.name())
                .bind(n.address())
                .seeds(seeds)
                .profile(profile)
                .scheduler(s)
                .deliveryScheduler(s)
                .random(new SplittableRandom(mix(seed, n.index(), n.generation())))
                .transport((bind, inbound) -> Mono.fromCallable(() -> fabric.bind(bind, inbound, s)));
        MembershipConfig config = configure.apply(n.name(), b).build();
        n.begin(s);
        Membership.start(config).subscribe(m -> n.started(s, m), this::error);
    }

    private void error(Throwable e) {
        if (errors.size() < 1_000) {
            errors.add(e);
        }
        log.warn("simulated node task failed", e);
    }

    Fabric fabric() {
        return fabric;
    }

    boolean recordsEvents() {
        return recordEvents;
    }

    void observed(ObservedEvent e) {
        if (recordEvents) {
            eventLog.add(e);
        }
        eventSink.tryEmitNext(e);
    }

    Disposable control(Runnable task, Duration delay) {
        return control.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the virtual-time scheduler that runs every node; advancing it advances the cluster */
    public VirtualTimeScheduler scheduler() {
        return time;
    }

    /** @return virtual time since the cluster was built */
    public Duration now() {
        return Duration.ofNanos(time.now(TimeUnit.NANOSECONDS));
    }

    /**
     * Runs everything that happens in the next {@code duration} of virtual time.
     *
     * @param duration how far to move the clock
     */
    public void advance(Duration duration) {
        time.advanceTimeBy(duration);
    }

    /**
     * Advances in steps (100 ms of virtual time unless the builder said otherwise) until the
     * condition holds.
     *
     * @param condition checked before the first step and after each
     * @param timeout   the most virtual time to spend
     * @return whether the condition came true within the timeout
     */
    public boolean advanceUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = time.now(TimeUnit.NANOSECONDS) + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long now = time.now(TimeUnit.NANOSECONDS);
            if (now >= deadline) {
                return false;
            }
            time.advanceTimeBy(Duration.ofNanos(Math.min(checkEvery.toNanos(), deadline - now)));
        }
        return true;
    }

    /** @return every node ever created, in order of creation, whatever its status */
    public List<SimulatedNode> nodes() {
        return List.copyOf(nodes);
    }

    /** @return the nodes that are running (not starting, paused, crashed or gone) */
    public List<SimulatedNode> running() {
        return nodes.stream().filter(SimulatedNode::isRunning).toList();
    }

    /**
     * @param name a node name
     * @return that node
     * @throws IllegalArgumentException when there is none
     */
    public SimulatedNode node(String name) {
        SimulatedNode n = byName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node named " + name);
        }
        return n;
    }

    /**
     * @param index position in order of creation
     * @return that node
     */
    public SimulatedNode node(int index) {
        return nodes.get(index);
    }

    /** @return the network, to inject faults */
    public SimulatedNetwork network() {
        return network;
    }

    /**
     * Starts a new node that joins through the cluster's seeds.
     *
     * @return the node (starting; advance time for it to join)
     */
    public SimulatedNode addNode() {
        return addNode(name(nodes.size()));
    }

    /**
     * @param name the new node's name
     * @return the node (starting; advance time for it to join)
     */
    public SimulatedNode addNode(String name) {
        SimulatedNode n = newNode(Objects.requireNonNull(name, "name"));
        start(n);
        return n;
    }

    /** @return every event every node emitted, in the order they were delivered (when recording) */
    public List<ObservedEvent> eventLog() {
        return List.copyOf(eventLog);
    }

    /** @return the events of every node as they happen (hot: only those after subscribing) */
    public Flux<ObservedEvent> events() {
        return eventSink.asFlux();
    }

    /** @return what all nodes sent and received */
    public Traffic traffic() {
        Traffic t = Traffic.NONE;
        for (SimulatedNode n : nodes) {
            t = t.plus(n.traffic());
        }
        return t;
    }

    /** @return what tasks of the nodes threw (a healthy run has none) */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /**
     * Whether every node has joined and every running node sees exactly the nodes that are up
     * (running or paused) as {@code ALIVE}, and no other member as alive or suspect.
     *
     * @return true when the cluster has converged
     */
    public boolean converged() {
        Set<String> up = new HashSet<>();
        for (SimulatedNode n : nodes) {
            if (n.status() == SimulatedNode.Status.STARTING
                    || (n.status() == SimulatedNode.Status.PAUSED && !n.hasStarted())) {
                return false;
            }
            if (n.isRunning() || n.status() == SimulatedNode.Status.PAUSED) {
                up.add(n.name());
            }
        }
        for (SimulatedNode n : nodes) {
            if (n.isRunning() && !agrees(n.view(), up)) {
                return false;
            }
        }
        return true;
    }

    private static boolean agrees(MembershipView view, Set<String> up) {
        int alive = 0;
        for (Member m : view.members()) {
            boolean shouldBeUp = up.contains(m.name());
            if (m.state() == MemberState.ALIVE && shouldBeUp) {
                alive++;
            } else if (shouldBeUp || m.state().isLive()) {
                return false;
            }
        }
        return alive == up.size();
    }

    /** Stops the clock; nothing runs any more. */
    @Override
    public void close() {
        eventSink.tryEmitComplete();
        time.dispose();
    }

    /** Settings of a simulated cluster. */
    public static final class Builder {
        private int nodes = 3;
        private long seed;
        private Profile profile = Profile.LAN;
        private Latency latency;
        private double loss;
        private int seedNodes = 3;
        private String namePrefix = "node-";
        private Duration startWithin = Duration.ZERO;
        private boolean recordEvents = true;
        private Duration checkEvery = Duration.ofMillis(100);
        private BiFunction<String, MembershipConfig.Builder, MembershipConfig.Builder> configure = (name, b) -> b;

        private Builder() {
        }

        /** @param n how many nodes to start; default 3
         *  @return this builder */
        public Builder nodes(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("nodes must be zero or more, was " + n);
            }
            this.nodes = n;
            return this;
        }

        /** @param s the seed of every random choice (nodes' and network's); default 0
         *  @return this builder */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param p the nodes' timing profile, and the default latency to match; default LAN
         *  @return this builder */
        public Builder profile(Profile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /** @param l one-way delay of every message; default by profile ({@link Latency#lan()} for LAN)
         *  @return this builder */
        public Builder latency(Latency l) {
            this.latency = Objects.requireNonNull(l, "latency");
            return this;
        }

        /** @param p datagram loss probability, 0 to 1; default 0
         *  @return this builder */
        public Builder loss(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("loss must be between 0 and 1, was " + p);
            }
            this.loss = p;
            return this;
        }

        /** @param n how many of the first nodes serve as seeds for every node; default 3
         *  @return this builder */
        public Builder seedNodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("seedNodes must be at least 1, was " + n);
            }
            this.seedNodes = n;
            return this;
        }

        /** @param p node names are this prefix and a zero-padded index; default {@code node-}
         *  @return this builder */
        public Builder namePrefix(String p) {
            this.namePrefix = Objects.requireNonNull(p, "namePrefix");
            return this;
        }

        /** @param d start the non-seed nodes at random times within this window; default all at once
         *  @return this builder */
        public Builder startWithin(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("startWithin must be zero or positive");
            }
            this.startWithin = d;
            return this;
        }

        /** @param record keep every event in memory for {@link SimulatedCluster#eventLog()}; default
         *  true (turn off for very large clusters and use {@link SimulatedCluster#events()})
         *  @return this builder */
        public Builder recordEvents(boolean record) {
            this.recordEvents = record;
            return this;
        }

        /** @param d step of {@link SimulatedCluster#advanceUntil}; default 100 ms
         *  @return this builder */
        public Builder checkEvery(Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("checkEvery must be positive");
            }
            this.checkEvery = d;
            return this;
        }

        /**
         * @param tweak changes each node's configuration (timings, tags...), given its name; the
         *              scheduler, transport, randomness, name, address and seeds are set already
         * @return this builder
         */
        public Builder configure(BiFunction<String, MembershipConfig.Builder, MembershipConfig.Builder> tweak) {
            this.configure = Objects.requireNonNull(tweak, "configure");
            return this;
        }

        /** @return the cluster, its nodes bound and joining at virtual time zero */
        public SimulatedCluster build() {
            SimulatedCluster c = new SimulatedCluster(this);
            c.create(nodes, startWithin);
            return c;
        }
    }
}
