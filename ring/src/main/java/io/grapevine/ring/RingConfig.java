package io.grapevine.ring;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;

/**
 * How the ring places replicas. Every node of a cluster must use an equal configuration (and the
 * same key hash), or they will disagree about who owns what; {@link RingSnapshot#digest()} tells
 * them whether they do.
 *
 * <pre>{@code
 * RingConfig config = RingConfig.builder()
 *     .replicationFactor(3)
 *     .zoneTag("zone")                           // spread replicas over members' "zone" tags
 *     .failedGracePeriod(Duration.ofMinutes(1))  // a FAILED member keeps its ranges this long
 *     .build();
 * }</pre>
 */
public final class RingConfig {
    /** The largest supported replication factor. */
    public static final int MAX_REPLICATION_FACTOR = 16;
    /** The largest supported number of partitions (2^22). */
    public static final int MAX_PARTITIONS = 1 << 22;
    /** The largest supported partitions times replication factor (2^24 replica slots, ~64 MB a table). */
    public static final int MAX_REPLICA_SLOTS = 1 << 24;
    /** The default number of partitions (2^18); see {@link Builder#partitions(int)}. */
    public static final int DEFAULT_PARTITIONS = 1 << 18;
    /**
     * The automatic load cap allows a member this many standard deviations of a rendezvous load
     * above its zone's mean: {@code mean + 2.25 * sqrt(mean)} partitions.
     */
    public static final double AUTOMATIC_CAP_DEVIATIONS = 2.25;

    private final int replicationFactor;
    private final int partitions;
    private final String zoneTag;
    private final double maxLoadFactor; // NaN: automatic
    private final Duration failedGracePeriod;
    private final ToLongFunction<byte[]> keyHash;

    private RingConfig(Builder b) {
        this.replicationFactor = b.replicationFactor;
        this.partitions = b.partitions;
        this.zoneTag = b.zoneTag;
        this.maxLoadFactor = b.maxLoadFactor;
        this.failedGracePeriod = b.failedGracePeriod;
        this.keyHash = b.keyHash;
    }

    /** @return a builder with the defaults: RF 3, 2^18 partitions, no zones, automatic load cap, no grace */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration, to derive a variant */
    public Builder toBuilder() {
        return new Builder()
            .replicationFactor(replicationFactor)
            .partitions(partitions)
            .zoneTag(zoneTag)
            .loadCap(maxLoadFactor)
            .failedGracePeriod(failedGracePeriod)
            .keyHash(keyHash);
    }

    /** @return how many distinct members replicate each range (fewer only when there are fewer members) */
    public int replicationFactor() {
        return replicationFactor;
    }

    /** @return the number of equal, fixed partitions the token space is cut into (a power of two) */
    public int partitions() {
        return partitions;
    }

    /** @return the member tag naming each member's zone, or null when replicas ignore zones */
    public String zoneTag() {
        return zoneTag;
    }

    /**
     * @return the fixed cap on a member's replica load relative to its zone's mean
     *         ({@link Double#POSITIVE_INFINITY} for no cap), or empty for the automatic cap
     */
    public OptionalDouble maxLoadFactor() {
        return Double.isNaN(maxLoadFactor) ? OptionalDouble.empty() : OptionalDouble.of(maxLoadFactor);
    }

    /** @return the load cap for the placement code: NaN for automatic */
    double loadCap() {
        return maxLoadFactor;
    }

    /** @return how long a FAILED member keeps its ranges in {@link TokenRing#follow} (zero: none) */
    public Duration failedGracePeriod() {
        return failedGracePeriod;
    }

    /** @return the function from key bytes to token ({@link Tokens#of(byte[])} unless replaced) */
    public ToLongFunction<byte[]> keyHash() {
        return keyHash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingConfig c
            && replicationFactor == c.replicationFactor
            && partitions == c.partitions
            && Objects.equals(zoneTag, c.zoneTag)
            && Double.compare(maxLoadFactor, c.maxLoadFactor) == 0
            && failedGracePeriod.equals(c.failedGracePeriod)
            && keyHash.equals(c.keyHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(replicationFactor, partitions, zoneTag, maxLoadFactor, failedGracePeriod, keyHash);
    }

    @Override
    public String toString() {
        return "RingConfig{rf=" + replicationFactor + ", partitions=" + partitions + ", zoneTag=" + zoneTag
            + ", maxLoadFactor=" + (Double.isNaN(maxLoadFactor) ? "auto" : maxLoadFactor) + ", failedGracePeriod=" + failedGracePeriod + '}';
    }

    /** Collects the settings; {@link #build()} validates them. */
    public static final class Builder {
        private static final ToLongFunction<byte[]> MURMUR3 = Tokens::of;

        private int replicationFactor = 3;
        private int partitions = DEFAULT_PARTITIONS;
        private String zoneTag;
        private double maxLoadFactor = Double.NaN;
        private Duration failedGracePeriod = Duration.ZERO;
        private ToLongFunction<byte[]> keyHash = MURMUR3;

        private Builder() {
        }

        /**
         * @param replicationFactor replicas per range, 1 to {@value #MAX_REPLICATION_FACTOR} (default 3)
         * @return this builder
         */
        public Builder replicationFactor(int replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        /**
         * The token space is cut into this many equal partitions, each one a contiguous token
         * range with its own replicas. More partitions balance load more evenly (the spread of
         * member loads shrinks with the square root of partitions per member) at the cost of
         * memory (up to about 75 bytes per partition per snapshot) and rebuild time (linear). The
         * default 2^18 keeps the peak replica load within about 5% of the mean at 100 members and
         * 8% at 1,000 (3 zones, RF 3); raise it for larger clusters, lower it for small ones, where
         * fewer, larger ranges are also cheaper to repair. All nodes must agree, and changing it
         * moves most data.
         *
         * @param partitions a power of two from 1 to {@value #MAX_PARTITIONS}
         * @return this builder
         */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Spreads each range's replicas over distinct values of this member tag ("zones") whenever
         * there are at least as many zones as replicas; with fewer zones, each zone holds at most
         * {@code ceil(RF / zones)} replicas of a range. Members without the tag form one zone of
         * their own (as if tagged with the empty string). Null (the default) ignores zones.
         *
         * @param zoneTag the tag name, or null
         * @return this builder
         */
        public Builder zoneTag(String zoneTag) {
            this.zoneTag = zoneTag;
            return this;
        }

        /**
         * Replaces the automatic load cap by a fixed one: each member's replica load is capped at
         * this factor times the mean load of its zone (ranges it must hold anyway when zones are
         * unequal are never capped away). Below the cap, placement is pure rendezvous hashing,
         * where a join moves ranges only to the newcomer and a leave moves only the leaver's
         * ranges; a member that would exceed the cap passes its lowest-scoring ranges to their
         * next choice in the same zone, which can move a few ranges between other members when
         * the cap binds. {@link Double#POSITIVE_INFINITY} disables the cap: movement is then
         * always minimal and balance is left to chance.
         *
         * <p>The automatic cap (the default) is {@code mean + }{@value #AUTOMATIC_CAP_DEVIATIONS}
         * {@code * sqrt(mean)} partitions: it trims only the rare tail of an uncapped rendezvous
         * placement, so it binds for a handful of members and moves almost nothing extra, while
         * bounding the peak load near {@code 1 + 2.25 / sqrt(mean)} times the mean.
         *
         * @param maxLoadFactor at least 1.0, or infinity
         * @return this builder
         */
        public Builder maxLoadFactor(double maxLoadFactor) {
            if (Double.isNaN(maxLoadFactor) || maxLoadFactor < 1.0) {
                throw new IllegalArgumentException("maxLoadFactor must be at least 1.0 (or infinity): " + maxLoadFactor);
            }
            this.maxLoadFactor = maxLoadFactor;
            return this;
        }

        /**
         * Restores the automatic load cap (the default); see {@link #maxLoadFactor(double)}.
         *
         * @return this builder
         */
        public Builder automaticLoadCap() {
            this.maxLoadFactor = Double.NaN;
            return this;
        }

        private Builder loadCap(double cap) {
            this.maxLoadFactor = cap;
            return this;
        }

        /**
         * How long {@link TokenRing#follow} keeps a member that turned FAILED (DEAD) as an owner
         * before its ranges move, so that a member that recovers from a short outage moves no
         * data. A member that LEFT gracefully moves at once. SUSPECT members always keep their
         * ranges. {@link RingSnapshot#of} itself has no clock and ignores this.
         *
         * @param failedGracePeriod zero or more (default zero: move at once)
         * @return this builder
         */
        public Builder failedGracePeriod(Duration failedGracePeriod) {
            this.failedGracePeriod = failedGracePeriod;
            return this;
        }

        /**
         * Replaces the key hash. All nodes must use the same one.
         *
         * @param keyHash key bytes to token (default {@link Tokens#of(byte[])}, Murmur3 as Cassandra)
         * @return this builder
         */
        public Builder keyHash(ToLongFunction<byte[]> keyHash) {
            this.keyHash = keyHash;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException when a setting is out of range
         */
        public RingConfig build() {
            if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR) {
                throw new IllegalArgumentException("replicationFactor must be between 1 and "
                    + MAX_REPLICATION_FACTOR + ": " + replicationFactor);
            }
            if (partitions < 1 || partitions > MAX_PARTITIONS || Integer.bitCount(partitions) != 1) {
                throw new IllegalArgumentException("partitions must be a power of two between 1 and "
                    + MAX_PARTITIONS + ": " + partitions);
            }
            if ((long) partitions * replicationFactor > MAX_REPLICA_SLOTS) {
                throw new IllegalArgumentException("partitions x replicationFactor must be at most "
                    + MAX_REPLICA_SLOTS + ": " + partitions + " x " + replicationFactor);
            }
            if (zoneTag != null && zoneTag.isEmpty()) {
                throw new IllegalArgumentException("zoneTag must not be empty (use null for no zones)");
            }
            Objects.requireNonNull(failedGracePeriod, "failedGracePeriod");
            if (failedGracePeriod.isNegative()) {
                throw new IllegalArgumentException("failedGracePeriod must not be negative: " + failedGracePeriod);
            }
            Objects.requireNonNull(keyHash, "keyHash");
            return new RingConfig(this);
        }
    }
}
