package io.grapevine.membership;

import io.grapevine.membership.internal.codec.SerfTags;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;
import reactor.core.scheduler.Scheduler;

/**
 * Everything a {@link Membership} node needs, validated when built. Start from
 * {@link #builder()}; only {@link Builder#nodeName(String)} is required. Timings default to the
 * chosen {@link Profile} (LAN unless set) and any of them can be overridden.
 *
 * <pre>{@code
 * MembershipConfig config = MembershipConfig.builder()
 *     .nodeName("n1")
 *     .bind(new InetSocketAddress("127.0.0.1", 7946))
 *     .seeds(List.of(new InetSocketAddress("127.0.0.1", 7947)))
 *     .tags(Map.of("zone", "a"))
 *     .build();
 * }</pre>
 */
public final class MembershipConfig {
    /** Longest node name accepted, in UTF-8 bytes (ours and our peers'). */
    public static final int MAX_NODE_NAME_BYTES = 128;
    /** Largest encoded meta (tags) memberlist accepts, in bytes. */
    public static final int MAX_META_BYTES = 512;

    private final String nodeName;
    private final InetSocketAddress bind;
    private final InetSocketAddress advertise;
    private final List<InetSocketAddress> seeds;
    private final Map<String, String> tags;
    private final Profile profile;
    private final Keyring keyring;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final int indirectChecks;
    private final int suspicionMult;
    private final int suspicionMaxTimeoutMult;
    private final int awarenessMaxMultiplier;
    private final int retransmitMult;
    private final Duration gossipInterval;
    private final int gossipNodes;
    private final Duration gossipToTheDead;
    private final Duration pushPullInterval;
    private final Duration streamTimeout;
    private final Duration joinRetryInitial;
    private final Duration joinRetryMax;
    private final Duration leaveTimeout;
    private final boolean compressOutbound;
    private final boolean suspectOnRefusedConnection;
    private final int eventBufferSize;
    private final int messageBufferSize;
    private final int maxUserMessageBytes;
    private final Duration reconnectInterval;
    private final Duration reconnectTimeout;
    private final Scheduler scheduler;
    private final Scheduler deliveryScheduler;
    private final RandomGenerator random;
    private final TransportFactory transport;
    private final MeterRegistry meterRegistry;

    private MembershipConfig(Builder b) {
        this.nodeName = b.nodeName;
        this.bind = b.bind;
        this.advertise = b.advertise;
        this.seeds = List.copyOf(b.seeds);
        this.tags = Map.copyOf(b.tags);
        this.profile = b.profile;
        this.keyring = b.keyring;
        this.probeInterval = or(b.probeInterval, b.profile.probeInterval);
        this.probeTimeout = or(b.probeTimeout, b.profile.probeTimeout);
        this.indirectChecks = or(b.indirectChecks, b.profile.indirectChecks);
        this.suspicionMult = or(b.suspicionMult, b.profile.suspicionMult);
        this.suspicionMaxTimeoutMult = or(b.suspicionMaxTimeoutMult, b.profile.suspicionMaxTimeoutMult);
        this.awarenessMaxMultiplier = or(b.awarenessMaxMultiplier, 8);
        this.retransmitMult = or(b.retransmitMult, b.profile.retransmitMult);
        this.gossipInterval = or(b.gossipInterval, b.profile.gossipInterval);
        this.gossipNodes = or(b.gossipNodes, b.profile.gossipNodes);
        this.gossipToTheDead = or(b.gossipToTheDead, b.profile.gossipToTheDead);
        this.pushPullInterval = or(b.pushPullInterval, b.profile.pushPullInterval);
        this.streamTimeout = or(b.streamTimeout, b.profile.streamTimeout);
        this.joinRetryInitial = b.joinRetryInitial;
        this.joinRetryMax = b.joinRetryMax;
        this.leaveTimeout = b.leaveTimeout;
        this.compressOutbound = b.compressOutbound;
        this.suspectOnRefusedConnection = b.suspectOnRefusedConnection;
        this.eventBufferSize = b.eventBufferSize;
        this.messageBufferSize = b.messageBufferSize;
        this.maxUserMessageBytes = b.maxUserMessageBytes;
        this.reconnectInterval = b.reconnectInterval;
        this.reconnectTimeout = b.reconnectTimeout;
        this.scheduler = b.scheduler;
        this.deliveryScheduler = b.deliveryScheduler;
        this.random = b.random != null ? b.random : new Random();
        this.transport = b.transport;
        this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
    }

    private static <T> T or(T v, T dflt) {
        return v != null ? v : dflt;
    }

    /** @return a builder with every default in place */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration's settings, to derive a variant */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.nodeName = nodeName;
        b.bind = bind;
        b.advertise = advertise;
        b.seeds = new ArrayList<>(seeds);
        b.tags = tags;
        b.profile = profile;
        b.keyring = keyring;
        b.probeInterval = probeInterval;
        b.probeTimeout = probeTimeout;
        b.indirectChecks = indirectChecks;
        b.suspicionMult = suspicionMult;
        b.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        b.awarenessMaxMultiplier = awarenessMaxMultiplier;
        b.retransmitMult = retransmitMult;
        b.gossipInterval = gossipInterval;
        b.gossipNodes = gossipNodes;
        b.gossipToTheDead = gossipToTheDead;
        b.pushPullInterval = pushPullInterval;
        b.streamTimeout = streamTimeout;
        b.joinRetryInitial = joinRetryInitial;
        b.joinRetryMax = joinRetryMax;
        b.leaveTimeout = leaveTimeout;
        b.compressOutbound = compressOutbound;
        b.suspectOnRefusedConnection = suspectOnRefusedConnection;
        b.eventBufferSize = eventBufferSize;
        b.messageBufferSize = messageBufferSize;
        b.maxUserMessageBytes = maxUserMessageBytes;
        b.reconnectInterval = reconnectInterval;
        b.reconnectTimeout = reconnectTimeout;
        b.scheduler = scheduler;
        b.deliveryScheduler = deliveryScheduler;
        b.random = random;
        b.transport = transport;
        b.meterRegistry = meterRegistry;
        return b;
    }

    /** @return this node's name, unique in the cluster */
    public String nodeName() { return nodeName; }
    /** @return the UDP and TCP address to bind */
    public InetSocketAddress bind() { return bind; }
    /** @return the address others dial, or null to use the bound address */
    public InetSocketAddress advertise() { return advertise; }
    /** @return addresses to join through; empty for the first node of a cluster */
    public List<InetSocketAddress> seeds() { return seeds; }
    /** @return this node's tags at start */
    public Map<String, String> tags() { return tags; }
    /** @return the timing preset the defaults came from */
    public Profile profile() { return profile; }
    /** @return the encryption keys, or null for plaintext */
    public Keyring keyring() { return keyring; }
    /** @return time between probes of successive members (scaled by awareness) */
    public Duration probeInterval() { return probeInterval; }
    /** @return how long to wait for a direct ack before asking others */
    public Duration probeTimeout() { return probeTimeout; }
    /** @return how many members are asked for an indirect probe */
    public int indirectChecks() { return indirectChecks; }
    /** @return the suspicion timeout multiplier */
    public int suspicionMult() { return suspicionMult; }
    /** @return the suspicion max timeout, as a multiple of the min */
    public int suspicionMaxTimeoutMult() { return suspicionMaxTimeoutMult; }
    /** @return the Lifeguard awareness ceiling (probe interval multiplies by at most this) */
    public int awarenessMaxMultiplier() { return awarenessMaxMultiplier; }
    /** @return broadcasts go out retransmitMult x ceil(log10(n+1)) times */
    public int retransmitMult() { return retransmitMult; }
    /** @return time between gossip rounds */
    public Duration gossipInterval() { return gossipInterval; }
    /** @return members gossiped to per round */
    public int gossipNodes() { return gossipNodes; }
    /** @return how long dead members are still gossiped to, and kept before being reaped */
    public Duration gossipToTheDead() { return gossipToTheDead; }
    /** @return base interval of the periodic full-state sync (scaled up above 32 members) */
    public Duration pushPullInterval() { return pushPullInterval; }
    /** @return deadline of one TCP exchange */
    public Duration streamTimeout() { return streamTimeout; }
    /** @return first delay before retrying a join that reached no seed */
    public Duration joinRetryInitial() { return joinRetryInitial; }
    /** @return largest delay between join retries (the backoff doubles up to it) */
    public Duration joinRetryMax() { return joinRetryMax; }
    /** @return how long {@code leave()} waits for its dead message to go out */
    public Duration leaveTimeout() { return leaveTimeout; }
    /** @return whether outbound messages are LZW-compressed when that makes them smaller */
    public boolean compressOutbound() { return compressOutbound; }
    /** @return whether a probe whose TCP fallback connection is refused suspects the member at once */
    public boolean suspectOnRefusedConnection() { return suspectOnRefusedConnection; }
    /** @return events buffered per slow subscriber before the oldest are dropped (and counted) */
    public int eventBufferSize() { return eventBufferSize; }
    /** @return user messages buffered per slow subscriber before dropping (and counting) */
    public int messageBufferSize() { return messageBufferSize; }
    /** @return the largest user broadcast accepted */
    public int maxUserMessageBytes() { return maxUserMessageBytes; }
    /** @return how often a failed member is contacted again, to heal partitions */
    public Duration reconnectInterval() { return reconnectInterval; }
    /** @return how long failed members are remembered for reconnection */
    public Duration reconnectTimeout() { return reconnectTimeout; }
    /** @return the scheduler that runs the protocol, or null for the shared protocol scheduler */
    public Scheduler scheduler() { return scheduler; }
    /** @return where subscribers of views, events and messages are called, or null for bounded-elastic */
    public Scheduler deliveryScheduler() { return deliveryScheduler; }
    /** @return the source of randomness (seedable for deterministic runs) */
    public RandomGenerator random() { return random; }
    /** @return the transport, or null for real UDP and TCP sockets */
    public TransportFactory transport() { return transport; }
    /** @return where protocol metrics are registered */
    public MeterRegistry meterRegistry() { return meterRegistry; }

    /**
     * Builds a {@link MembershipConfig}. Every setter documents its default; {@link #build()}
     * checks the whole and says what to change.
     */
    public static final class Builder {
        private String nodeName;
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 7946);
        private InetSocketAddress advertise;
        private List<InetSocketAddress> seeds = new ArrayList<>();
        private Map<String, String> tags = Map.of();
        private Profile profile = Profile.LAN;
        private Keyring keyring;
        private Duration probeInterval;
        private Duration probeTimeout;
        private Integer indirectChecks;
        private Integer suspicionMult;
        private Integer suspicionMaxTimeoutMult;
        private Integer awarenessMaxMultiplier;
        private Integer retransmitMult;
        private Duration gossipInterval;
        private Integer gossipNodes;
        private Duration gossipToTheDead;
        private Duration pushPullInterval;
        private Duration streamTimeout;
        private Duration joinRetryInitial = Duration.ofSeconds(1);
        private Duration joinRetryMax = Duration.ofSeconds(30);
        private Duration leaveTimeout = Duration.ofSeconds(5);
        private boolean compressOutbound;
        private boolean suspectOnRefusedConnection = true;
        private int eventBufferSize = 10_000;
        private int messageBufferSize = 10_000;
        private int maxUserMessageBytes = 64 * 1024;
        private Duration reconnectInterval = Duration.ofSeconds(30);
        private Duration reconnectTimeout = Duration.ofHours(24);
        private Scheduler scheduler;
        private Scheduler deliveryScheduler;
        private RandomGenerator random;
        private TransportFactory transport;
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /** @param v this node's name, unique in the cluster; required, at most 128 UTF-8 bytes
         *  @return this builder */
        public Builder nodeName(String v) { this.nodeName = v; return this; }
        /** @param v UDP and TCP address to bind; default 127.0.0.1:7946; port 0 picks a free port
         *  @return this builder */
        public Builder bind(InetSocketAddress v) { this.bind = v; return this; }
        /** @param v address others dial; default: the bound address (required when binding 0.0.0.0)
         *  @return this builder */
        public Builder advertise(InetSocketAddress v) { this.advertise = v; return this; }
        /** @param v members to join through; default none (the node starts a new cluster)
         *  @return this builder */
        public Builder seeds(List<InetSocketAddress> v) { this.seeds = new ArrayList<>(Objects.requireNonNull(v, "seeds")); return this; }
        /** @param v tags gossiped as serf meta; default none; at most 512 bytes encoded
         *  @return this builder */
        public Builder tags(Map<String, String> v) { this.tags = Objects.requireNonNull(v, "tags"); return this; }
        /** @param v timing preset; default {@link Profile#LAN}
         *  @return this builder */
        public Builder profile(Profile v) { this.profile = Objects.requireNonNull(v, "profile"); return this; }
        /** @param v encryption keys; default none (plaintext)
         *  @return this builder */
        public Builder keyring(Keyring v) { this.keyring = v; return this; }
        /** @param v time between probes; default from the profile (LAN 1 s)
         *  @return this builder */
        public Builder probeInterval(Duration v) { this.probeInterval = v; return this; }
        /** @param v direct ack deadline; default from the profile (LAN 500 ms); must be below the probe interval
         *  @return this builder */
        public Builder probeTimeout(Duration v) { this.probeTimeout = v; return this; }
        /** @param v members asked for indirect probes; default from the profile (LAN 3)
         *  @return this builder */
        public Builder indirectChecks(int v) { this.indirectChecks = v; return this; }
        /** @param v suspicion multiplier; default from the profile (LAN 4)
         *  @return this builder */
        public Builder suspicionMult(int v) { this.suspicionMult = v; return this; }
        /** @param v suspicion max/min ratio; default 6
         *  @return this builder */
        public Builder suspicionMaxTimeoutMult(int v) { this.suspicionMaxTimeoutMult = v; return this; }
        /** @param v Lifeguard awareness ceiling; default 8
         *  @return this builder */
        public Builder awarenessMaxMultiplier(int v) { this.awarenessMaxMultiplier = v; return this; }
        /** @param v retransmit multiplier; default from the profile (LAN 4)
         *  @return this builder */
        public Builder retransmitMult(int v) { this.retransmitMult = v; return this; }
        /** @param v time between gossip rounds; default from the profile (LAN 200 ms)
         *  @return this builder */
        public Builder gossipInterval(Duration v) { this.gossipInterval = v; return this; }
        /** @param v members per gossip round; default from the profile (LAN 3)
         *  @return this builder */
        public Builder gossipNodes(int v) { this.gossipNodes = v; return this; }
        /** @param v how long dead members are gossiped to and kept; default from the profile (LAN 30 s)
         *  @return this builder */
        public Builder gossipToTheDead(Duration v) { this.gossipToTheDead = v; return this; }
        /** @param v base full-sync interval; default from the profile (LAN 30 s); zero disables
         *  @return this builder */
        public Builder pushPullInterval(Duration v) { this.pushPullInterval = v; return this; }
        /** @param v TCP exchange deadline; default from the profile (LAN 10 s)
         *  @return this builder */
        public Builder streamTimeout(Duration v) { this.streamTimeout = v; return this; }
        /** @param initial first join retry delay; default 1 s
         *  @param max     largest retry delay; default 30 s
         *  @return this builder */
        public Builder joinRetry(Duration initial, Duration max) { this.joinRetryInitial = initial; this.joinRetryMax = max; return this; }
        /** @param v how long leave() waits for its message to spread; default 5 s
         *  @return this builder */
        public Builder leaveTimeout(Duration v) { this.leaveTimeout = v; return this; }
        /** @param v LZW-compress outbound messages when smaller; default false (receiving always works)
         *  @return this builder */
        public Builder compressOutbound(boolean v) { this.compressOutbound = v; return this; }
        /** @param v when a probe's TCP fallback connection is refused (the member's host says nothing
         *           listens on its port: the process is gone), suspect the member at once instead of
         *           waiting out the probe interval, as memberlist does. It saves up to half a probe
         *           interval on every crash; a live member still refutes within the suspicion
         *           timeout. Default true; false behaves exactly like memberlist.
         *  @return this builder */
        public Builder suspectOnRefusedConnection(boolean v) { this.suspectOnRefusedConnection = v; return this; }
        /** @param v events buffered per slow subscriber; default 10,000
         *  @return this builder */
        public Builder eventBufferSize(int v) { this.eventBufferSize = v; return this; }
        /** @param v user messages buffered per slow subscriber; default 10,000
         *  @return this builder */
        public Builder messageBufferSize(int v) { this.messageBufferSize = v; return this; }
        /** @param v largest user broadcast; default 64 KiB (sent over TCP when it does not fit a packet)
         *  @return this builder */
        public Builder maxUserMessageBytes(int v) { this.maxUserMessageBytes = v; return this; }
        /** @param v how often to contact one failed member again, as serf does, so partitions heal;
         *  default 30 s
         *  @return this builder */
        public Builder reconnectInterval(Duration v) { this.reconnectInterval = v; return this; }
        /** @param v how long failed members are remembered for reconnection; default 24 h (serf's)
         *  @return this builder */
        public Builder reconnectTimeout(Duration v) { this.reconnectTimeout = v; return this; }
        /** @param v the protocol's scheduler (each node uses one serial worker of it); default a
         *  shared parallel scheduler named {@code grapevine-protocol}; the testkit passes a virtual-time one
         *  @return this builder */
        public Builder scheduler(Scheduler v) { this.scheduler = v; return this; }
        /** @param v where subscribers are called, so slow subscribers never run on the protocol
         *  thread; default {@code Schedulers.boundedElastic()}
         *  @return this builder */
        public Builder deliveryScheduler(Scheduler v) { this.deliveryScheduler = v; return this; }
        /** @param v randomness; default an unseeded {@link Random}
         *  @return this builder */
        public Builder random(RandomGenerator v) { this.random = v; return this; }
        /** @param v the network; default real UDP and TCP sockets
         *  @return this builder */
        public Builder transport(TransportFactory v) { this.transport = v; return this; }
        /** @param v metrics registry; default a private {@link SimpleMeterRegistry}
         *  @return this builder */
        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException naming the setting to change
         */
        public MembershipConfig build() {
            if (nodeName == null || nodeName.isBlank()) {
                throw new IllegalArgumentException("nodeName is required: call nodeName(\"...\") with a name unique in the cluster");
            }
            if (nodeName.getBytes(StandardCharsets.UTF_8).length > MAX_NODE_NAME_BYTES) {
                throw new IllegalArgumentException("nodeName is longer than " + MAX_NODE_NAME_BYTES + " bytes: choose a shorter name");
            }
            Objects.requireNonNull(bind, "bind must not be null");
            if (bind.isUnresolved()) {
                throw new IllegalArgumentException("bind address " + bind + " is unresolved: give an IP address");
            }
            if (advertise == null && bind.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("bind is the wildcard address " + bind
                        + ": set advertise(...) to the address other members should dial");
            }
            if (advertise != null && (advertise.isUnresolved() || advertise.getAddress().isAnyLocalAddress())) {
                throw new IllegalArgumentException("advertise must be a concrete, resolved IP address: " + advertise);
            }
            for (InetSocketAddress s : seeds) {
                if (s == null || s.isUnresolved()) {
                    throw new IllegalArgumentException("seed " + s + " is unresolved: give resolved IP addresses");
                }
            }
            int meta = SerfTags.encode(tags).length;
            if (meta > MAX_META_BYTES) {
                throw new IllegalArgumentException("tags encode to " + meta + " bytes; memberlist allows at most "
                        + MAX_META_BYTES + ": use fewer or shorter tags");
            }
            Duration pi = or(probeInterval, profile.probeInterval);
            Duration pt = or(probeTimeout, profile.probeTimeout);
            positive("probeInterval", pi);
            positive("probeTimeout", pt);
            if (pt.compareTo(pi) >= 0) {
                throw new IllegalArgumentException("probeTimeout (" + pt + ") must be shorter than probeInterval (" + pi + ")");
            }
            positive("gossipInterval", or(gossipInterval, profile.gossipInterval));
            positive("gossipToTheDead", or(gossipToTheDead, profile.gossipToTheDead));
            positive("streamTimeout", or(streamTimeout, profile.streamTimeout));
            positive("joinRetry initial", joinRetryInitial);
            positive("leaveTimeout", leaveTimeout);
            positive("reconnectInterval", reconnectInterval);
            positive("reconnectTimeout", reconnectTimeout);
            if (joinRetryMax == null || joinRetryMax.compareTo(joinRetryInitial) < 0) {
                throw new IllegalArgumentException("joinRetry max must be at least the initial delay");
            }
            Duration pp = or(pushPullInterval, profile.pushPullInterval);
            if (pp == null || pp.isNegative()) {
                throw new IllegalArgumentException("pushPullInterval must be zero (off) or positive");
            }
            atLeast("indirectChecks", or(indirectChecks, profile.indirectChecks), 0);
            atLeast("suspicionMult", or(suspicionMult, profile.suspicionMult), 1);
            atLeast("suspicionMaxTimeoutMult", or(suspicionMaxTimeoutMult, profile.suspicionMaxTimeoutMult), 1);
            atLeast("awarenessMaxMultiplier", or(awarenessMaxMultiplier, 8), 1);
            atLeast("retransmitMult", or(retransmitMult, profile.retransmitMult), 1);
            atLeast("gossipNodes", or(gossipNodes, profile.gossipNodes), 1);
            atLeast("eventBufferSize", eventBufferSize, 1);
            atLeast("messageBufferSize", messageBufferSize, 1);
            if (maxUserMessageBytes < 1 || maxUserMessageBytes > 20 * 1024 * 1024) {
                throw new IllegalArgumentException("maxUserMessageBytes must be between 1 and 20 MiB (the stream bound)");
            }
            return new MembershipConfig(this);
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
        }

        private static void atLeast(String name, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + v);
            }
        }
    }
}
