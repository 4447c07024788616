package io.grapevine.repair;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Settings of a {@link RepairService}. Every size has a bound; the defaults suit a node of up to a
 * few million keys (see docs/repair.md for how depth, memory and bytes on the wire relate).
 */
public final class RepairConfig {
    private final String name;
    private final InetSocketAddress bind;
    private final int depth;
    private final int maxFrameBytes;
    private final int frameTarget;
    private final int chunkHashes;
    private final int maxUnitEntries;
    private final int maxScanEntries;
    private final int fetchBatch;
    private final long bytesPerSecond;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final int maxInboundSessions;
    private final Duration minRebuildInterval;
    private final Scheduler scheduler;
    private final MeterRegistry meterRegistry;

    private RepairConfig(Builder b) {
        this.name = b.name;
        this.bind = b.bind;
        this.depth = b.depth;
        this.maxFrameBytes = b.maxFrameBytes;
        this.frameTarget = b.frameTarget;
        this.chunkHashes = b.chunkHashes;
        this.maxUnitEntries = b.maxUnitEntries;
        this.maxScanEntries = b.maxScanEntries;
        this.fetchBatch = b.fetchBatch;
        this.bytesPerSecond = b.bytesPerSecond;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.maxInboundSessions = b.maxInboundSessions;
        this.minRebuildInterval = b.minRebuildInterval;
        this.scheduler = b.scheduler;
        this.meterRegistry = b.meterRegistry;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the node name used as the {@code node} tag of metrics */
    public String name() {
        return name;
    }

    /** @return the address the repair server listens on */
    public InetSocketAddress bind() {
        return bind;
    }

    /** @return bucket bits of the tree: 2^depth buckets, 2^(depth+1) x 8 bytes of memory */
    public int depth() {
        return depth;
    }

    /** @return the largest frame accepted (type byte and payload) */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** @return the size frames are cut at */
    public int frameTarget() {
        return frameTarget;
    }

    /** @return entry hashes per leaf chunk */
    public int chunkHashes() {
        return chunkHashes;
    }

    /** @return entries per leaf unit before it is split */
    public int maxUnitEntries() {
        return maxUnitEntries;
    }

    /** @return the most entries one bucket may hold before a session gives up */
    public int maxScanEntries() {
        return maxScanEntries;
    }

    /** @return keys per store fetch */
    public int fetchBatch() {
        return fetchBatch;
    }

    /** @return the outgoing byte rate limit shared by all sessions, 0 for none */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** @return how long a session may make no progress before it fails */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return how long dialling a peer may take */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return sessions accepted at once; more are refused with an error */
    public int maxInboundSessions() {
        return maxInboundSessions;
    }

    /** @return the least time between two tree rebuilds */
    public Duration minRebuildInterval() {
        return minRebuildInterval;
    }

    /** @return the scheduler time and timers come from */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** @return where metrics go */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Builds a {@link RepairConfig}; values are validated by {@link #build()}. */
    public static final class Builder {
        private String name = "local";
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
        private int depth = 18;
        private int maxFrameBytes = 4 * 1024 * 1024;
        private int frameTarget = 64 * 1024;
        private int chunkHashes = 16_384;
        private int maxUnitEntries = 4_096;
        private int maxScanEntries = 1 << 18;
        private int fetchBatch = 256;
        private long bytesPerSecond;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxInboundSessions = 8;
        private Duration minRebuildInterval = Duration.ofMinutes(1);
        private Scheduler scheduler = Schedulers.parallel();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {
        }

        /** @param v node name for metric tags @return this */
        public Builder name(String v) {
            this.name = Objects.requireNonNull(v, "name");
            return this;
        }

        /** @param v listen address (port 0 picks a free port) @return this */
        public Builder bind(InetSocketAddress v) {
            this.bind = Objects.requireNonNull(v, "bind");
            return this;
        }

        /** @param v bucket bits, 4..26 (default 18: 262,144 buckets, 4 MiB) @return this */
        public Builder depth(int v) {
            this.depth = v;
            return this;
        }

        /** @param v largest accepted frame, 64 KiB..64 MiB (default 4 MiB) @return this */
        public Builder maxFrameBytes(int v) {
            this.maxFrameBytes = v;
            return this;
        }

        /** @param v frame cut size, 4 KiB..maxFrameBytes (default 64 KiB) @return this */
        public Builder frameTarget(int v) {
            this.frameTarget = v;
            return this;
        }

        /** @param v entry hashes per leaf chunk, 64..1,048,576 (default 16,384) @return this */
        public Builder chunkHashes(int v) {
            this.chunkHashes = v;
            return this;
        }

        /** @param v entries per leaf unit, 16..65,536 (default 4,096) @return this */
        public Builder maxUnitEntries(int v) {
            this.maxUnitEntries = v;
            return this;
        }

        /** @param v most entries in one bucket, 1,024..16,777,216 (default 262,144) @return this */
        public Builder maxScanEntries(int v) {
            this.maxScanEntries = v;
            return this;
        }

        /** @param v keys per fetch, 1..65,536 (default 256) @return this */
        public Builder fetchBatch(int v) {
            this.fetchBatch = v;
            return this;
        }

        /** @param v outgoing bytes per second for all sessions together, 0 = unlimited @return this */
        public Builder bytesPerSecond(long v) {
            this.bytesPerSecond = v;
            return this;
        }

        /** @param v how long a session may stall (default 60 s) @return this */
        public Builder idleTimeout(Duration v) {
            this.idleTimeout = Objects.requireNonNull(v, "idleTimeout");
            return this;
        }

        /** @param v dialling timeout (default 10 s) @return this */
        public Builder connectTimeout(Duration v) {
            this.connectTimeout = Objects.requireNonNull(v, "connectTimeout");
            return this;
        }

        /** @param v concurrent inbound sessions, 1..1024 (default 8) @return this */
        public Builder maxInboundSessions(int v) {
            this.maxInboundSessions = v;
            return this;
        }

        /** @param v least time between tree rebuilds (default 1 min) @return this */
        public Builder minRebuildInterval(Duration v) {
            this.minRebuildInterval = Objects.requireNonNull(v, "minRebuildInterval");
            return this;
        }

        /** @param v source of time and timers (default {@code Schedulers.parallel()}) @return this */
        public Builder scheduler(Scheduler v) {
            this.scheduler = Objects.requireNonNull(v, "scheduler");
            return this;
        }

        /** @param v meter registry (default the global registry) @return this */
        public Builder meterRegistry(MeterRegistry v) {
            this.meterRegistry = Objects.requireNonNull(v, "meterRegistry");
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException when a value is out of its bounds
         */
        public RepairConfig build() {
            check(depth, 4, 26, "depth");
            check(maxFrameBytes, 64 * 1024, 64 * 1024 * 1024, "maxFrameBytes");
            check(frameTarget, 4096, maxFrameBytes, "frameTarget");
            check(chunkHashes, 64, 1 << 20, "chunkHashes");
            check(maxUnitEntries, 16, 65_536, "maxUnitEntries");
            check(maxScanEntries, 1024, 1 << 24, "maxScanEntries");
            check(fetchBatch, 1, 65_536, "fetchBatch");
            check(maxInboundSessions, 1, 1024, "maxInboundSessions");
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("bytesPerSecond must be >= 0");
            }
            if (maxUnitEntries * 8L + 64 > frameTarget) {
                throw new IllegalArgumentException("maxUnitEntries x 8 bytes must fit frameTarget");
            }
            for (Duration d : new Duration[] {idleTimeout, connectTimeout}) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeouts must be positive");
                }
            }
            return new RepairConfig(this);
        }

        private static void check(long v, long min, long max, String what) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " must be " + min + ".." + max + ": " + v);
            }
        }
    }
}
