package io.grapevine.kv;

import io.grapevine.membership.Profile;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of one {@link KvNode}. Every node of a cluster must agree on {@link #replication()},
 * {@link #partitions()} and {@link #failedGrace()} (they decide who owns what); the rest is local.
 *
 * <pre>{@code
 * KvConfig config = KvConfig.builder()
 *     .name("n1")
 *     .gossip(new InetSocketAddress("127.0.0.1", 7946))
 *     .http(new InetSocketAddress("127.0.0.1", 8080))
 *     .seeds(List.of(new InetSocketAddress("127.0.0.1", 7947)))
 *     .dataDir(Path.of("data/n1"))        // omit to keep everything in memory
 *     .build();
 * }</pre>
 */
public final class KvConfig {
    /** Longest key, in bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** Upper bound of {@link #maxValueBytes()}: an entry must fit one repair frame (64 MiB). */
    public static final int MAX_VALUE_LIMIT = 32 * 1024 * 1024;

    private final String name;
    private final InetSocketAddress gossip;
    private final InetSocketAddress http;
    private final InetSocketAddress repair;
    private final List<InetSocketAddress> seeds;
    private final Map<String, String> tags;
    private final Path dataDir;
    private final boolean fsync;
    private final int replication;
    private final int partitions;
    private final int writeQuorum;
    private final int readQuorum;
    private final int maxValueBytes;
    private final Duration tombstoneGrace;
    private final Duration failedGrace;
    private final Duration repairInterval;
    private final int repairConcurrency;
    private final Duration requestTimeout;
    private final int maxInFlight;
    private final long maxBufferedBytes;
    private final Profile profile;
    private final MeterRegistry meterRegistry;
    private final int dashboardConnections;
    private final Duration dashboardRefresh;
    private final Duration dashboardStallTimeout;

    private KvConfig(Builder b) {
        this.name = b.name;
        this.gossip = b.gossip;
        this.http = b.http;
        this.repair = b.repair != null ? b.repair : new InetSocketAddress(b.gossip.getAddress(), 0);
        this.seeds = List.copyOf(b.seeds);
        this.tags = Map.copyOf(b.tags);
        this.dataDir = b.dataDir;
        this.fsync = b.fsync;
        this.replication = b.replication;
        this.partitions = b.partitions;
        this.writeQuorum = b.writeQuorum > 0 ? b.writeQuorum : b.replication / 2 + 1;
        this.readQuorum = b.readQuorum > 0 ? b.readQuorum : b.replication / 2 + 1;
        this.maxValueBytes = b.maxValueBytes;
        this.tombstoneGrace = b.tombstoneGrace;
        this.failedGrace = b.failedGrace;
        this.repairInterval = b.repairInterval;
        this.repairConcurrency = b.repairConcurrency;
        this.requestTimeout = b.requestTimeout;
        this.maxInFlight = b.maxInFlight;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.profile = b.profile;
        this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.dashboardConnections = b.dashboardConnections;
        this.dashboardRefresh = b.dashboardRefresh;
        this.dashboardStallTimeout = b.dashboardStallTimeout;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the node name, unique in the cluster */
    public String name() {
        return name;
    }

    /** @return the gossip (membership) address, UDP and TCP */
    public InetSocketAddress gossip() {
        return gossip;
    }

    /** @return the HTTP API address */
    public InetSocketAddress http() {
        return http;
    }

    /** @return the repair server address (port 0: any free port, published in the {@code repair} tag) */
    public InetSocketAddress repair() {
        return repair;
    }

    /** @return gossip addresses of nodes to join through */
    public List<InetSocketAddress> seeds() {
        return seeds;
    }

    /** @return the user's member tags ({@code zone} spreads replicas over zones) */
    public Map<String, String> tags() {
        return tags;
    }

    /** @return the data directory, or null to keep everything in memory */
    public Path dataDir() {
        return dataDir;
    }

    /** @return whether each commit is forced to disk (survives power loss, not just a killed process) */
    public boolean fsync() {
        return fsync;
    }

    /** @return replicas per key */
    public int replication() {
        return replication;
    }

    /** @return ring partitions (a power of two; every node must agree) */
    public int partitions() {
        return partitions;
    }

    /** @return acknowledgements a write waits for when the request names none */
    public int writeQuorum() {
        return writeQuorum;
    }

    /** @return answers a read waits for when the request names none */
    public int readQuorum() {
        return readQuorum;
    }

    /** @return the largest value accepted */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** @return how long a delete's tombstone is kept before it may be purged */
    public Duration tombstoneGrace() {
        return tombstoneGrace;
    }

    /** @return how long a failed member keeps its ranges before they move to other members */
    public Duration failedGrace() {
        return failedGrace;
    }

    /** @return time between periodic anti-entropy rounds (zero: none) */
    public Duration repairInterval() {
        return repairInterval;
    }

    /** @return repair sessions this node starts at once */
    public int repairConcurrency() {
        return repairConcurrency;
    }

    /** @return how long a coordinator waits for one replica */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return coordinated requests at once; more are refused with 503 */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return request body bytes held at once over all requests; more are refused with 503 */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** @return membership timings */
    public Profile profile() {
        return profile;
    }

    /** @return where membership, repair and node meters go */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** @return dashboard event streams ({@code GET /events}) served at once; more are refused with 503 */
    public int dashboardConnections() {
        return dashboardConnections;
    }

    /**
     * @return how often, while a dashboard is open, this node asks every live member for its key
     *         count and pushes the figures to the open dashboards
     */
    public Duration dashboardRefresh() {
        return dashboardRefresh;
    }

    /**
     * @return how long a dashboard client may leave data unread (its connection's send buffers
     *         full) before it is disconnected; it reconnects and gets a fresh snapshot
     */
    public Duration dashboardStallTimeout() {
        return dashboardStallTimeout;
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private String name;
        private InetSocketAddress gossip = new InetSocketAddress("127.0.0.1", 7946);
        private InetSocketAddress http = new InetSocketAddress("127.0.0.1", 8080);
        private InetSocketAddress repair;
        private List<InetSocketAddress> seeds = new ArrayList<>();
        private Map<String, String> tags = new LinkedHashMap<>();
        private Path dataDir;
        private boolean fsync;
        private int replication = 3;
        private int partitions = 256;
        private int writeQuorum;
        private int readQuorum;
        private int maxValueBytes = 1024 * 1024;
        private Duration tombstoneGrace = Duration.ofMinutes(10);
        private Duration failedGrace = Duration.ofSeconds(30);
        private Duration repairInterval = Duration.ofMinutes(10);
        private int repairConcurrency = 4;
        private Duration requestTimeout = Duration.ofSeconds(2);
        private int maxInFlight = 512;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Profile profile = Profile.LAN;
        private MeterRegistry meterRegistry;
        private int dashboardConnections = 64;
        private Duration dashboardRefresh = Duration.ofSeconds(1);
        private Duration dashboardStallTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** @param v node name, required, 1..128 UTF-8 bytes @return this */
        public Builder name(String v) {
            this.name = v;
            return this;
        }

        /** @param v gossip address (default 127.0.0.1:7946) @return this */
        public Builder gossip(InetSocketAddress v) {
            this.gossip = Objects.requireNonNull(v, "gossip");
            return this;
        }

        /** @param v HTTP address (default 127.0.0.1:8080; port 0: any free port) @return this */
        public Builder http(InetSocketAddress v) {
            this.http = Objects.requireNonNull(v, "http");
            return this;
        }

        /** @param v repair address (default: the gossip host, any free port) @return this */
        public Builder repair(InetSocketAddress v) {
            this.repair = v;
            return this;
        }

        /** @param v seeds' gossip addresses (default none: the first node) @return this */
        public Builder seeds(List<InetSocketAddress> v) {
            this.seeds = new ArrayList<>(v);
            return this;
        }

        /** @param v member tags; {@code http} and {@code repair} are reserved @return this */
        public Builder tags(Map<String, String> v) {
            this.tags = new LinkedHashMap<>(v);
            return this;
        }

        /** @param v data directory, null for memory only (default) @return this */
        public Builder dataDir(Path v) {
            this.dataDir = v;
            return this;
        }

        /** @param v force every commit to disk (default false) @return this */
        public Builder fsync(boolean v) {
            this.fsync = v;
            return this;
        }

        /** @param v replicas per key, 1..16 (default 3) @return this */
        public Builder replication(int v) {
            this.replication = v;
            return this;
        }

        /** @param v ring partitions, a power of two 16..65536 (default 256) @return this */
        public Builder partitions(int v) {
            this.partitions = v;
            return this;
        }

        /** @param v default w, 1..replication (default a majority: replication / 2 + 1) @return this */
        public Builder writeQuorum(int v) {
            this.writeQuorum = v;
            return this;
        }

        /** @param v default r, 1..replication (default a majority) @return this */
        public Builder readQuorum(int v) {
            this.readQuorum = v;
            return this;
        }

        /** @param v largest value, 1 byte..32 MiB (default 1 MiB) @return this */
        public Builder maxValueBytes(int v) {
            this.maxValueBytes = v;
            return this;
        }

        /** @param v how long tombstones are kept (default 10 min) @return this */
        public Builder tombstoneGrace(Duration v) {
            this.tombstoneGrace = Objects.requireNonNull(v, "tombstoneGrace");
            return this;
        }

        /** @param v how long a failed member keeps its ranges (default 30 s; 0 moves them at once) @return this */
        public Builder failedGrace(Duration v) {
            this.failedGrace = Objects.requireNonNull(v, "failedGrace");
            return this;
        }

        /** @param v time between periodic anti-entropy rounds (default 10 min; 0: none) @return this */
        public Builder repairInterval(Duration v) {
            this.repairInterval = Objects.requireNonNull(v, "repairInterval");
            return this;
        }

        /** @param v repair sessions at once, 1..64 (default 4) @return this */
        public Builder repairConcurrency(int v) {
            this.repairConcurrency = v;
            return this;
        }

        /** @param v replica timeout (default 2 s) @return this */
        public Builder requestTimeout(Duration v) {
            this.requestTimeout = Objects.requireNonNull(v, "requestTimeout");
            return this;
        }

        /** @param v coordinated requests at once (default 512) @return this */
        public Builder maxInFlight(int v) {
            this.maxInFlight = v;
            return this;
        }

        /** @param v request bytes buffered at once (default 64 MiB, at least maxValueBytes) @return this */
        public Builder maxBufferedBytes(long v) {
            this.maxBufferedBytes = v;
            return this;
        }

        /** @param v membership timings (default LAN) @return this */
        public Builder profile(Profile v) {
            this.profile = Objects.requireNonNull(v, "profile");
            return this;
        }

        /** @param v meter registry (default a private simple registry) @return this */
        public Builder meterRegistry(MeterRegistry v) {
            this.meterRegistry = v;
            return this;
        }

        /** @param v concurrent dashboard event streams, 1..4096 (default 64) @return this */
        public Builder dashboardConnections(int v) {
            this.dashboardConnections = v;
            return this;
        }

        /** @param v how often open dashboards get every node's key count, 10 ms..1 min (default 1 s) @return this */
        public Builder dashboardRefresh(Duration v) {
            this.dashboardRefresh = Objects.requireNonNull(v, "dashboardRefresh");
            return this;
        }

        /** @param v how long a dashboard client may stall before it is dropped, 100 ms..1 h (default 30 s) @return this */
        public Builder dashboardStallTimeout(Duration v) {
            this.dashboardStallTimeout = Objects.requireNonNull(v, "dashboardStallTimeout");
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException naming the first setting out of bounds
         */
        public KvConfig build() {
            if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 128) {
                throw new IllegalArgumentException("--name is required (1..128 bytes)");
            }
            check(replication, 1, 16, "replication");
            if (Integer.bitCount(partitions) != 1 || partitions < 16 || partitions > 65_536) {
                throw new IllegalArgumentException("partitions must be a power of two 16..65536: " + partitions);
            }
            if (writeQuorum != 0) {
                check(writeQuorum, 1, replication, "write quorum (w)");
            }
            if (readQuorum != 0) {
                check(readQuorum, 1, replication, "read quorum (r)");
            }
            check(maxValueBytes, 1, MAX_VALUE_LIMIT, "max value bytes");
            check(repairConcurrency, 1, 64, "repair concurrency");
            check(maxInFlight, 1, 1_000_000, "max in flight");
            if (maxBufferedBytes < maxValueBytes) {
                throw new IllegalArgumentException("max buffered bytes must be at least the max value bytes");
            }
            for (Duration d : List.of(tombstoneGrace, failedGrace, repairInterval)) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("durations must not be negative: " + d);
                }
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive");
            }
            check(dashboardConnections, 1, 4096, "dashboard connections");
            check(dashboardRefresh.toMillis(), 10, 60_000, "dashboard refresh (ms)");
            check(dashboardStallTimeout.toMillis(), 100, 3_600_000, "dashboard stall timeout (ms)");
            if (tags.containsKey("http") || tags.containsKey("repair")) {
                throw new IllegalArgumentException("tags 'http' and 'repair' are set by the node itself");
            }
            return new KvConfig(this);
        }

        private static void check(long v, long min, long max, String what) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " must be " + min + ".." + max + ": " + v);
            }
        }
    }
}
