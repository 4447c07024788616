package io.grapevine.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.internal.OwnershipDigest;
import io.grapevine.ring.internal.Owners;
import io.grapevine.ring.internal.Placement;
import io.grapevine.ring.internal.Remap;
import io.grapevine.ring.internal.ReplicaLists;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.TreeMap;

/**
 * An immutable token ring: which members replicate which token ranges. It is a pure function of
 * the set of owning members and the {@link RingConfig}: every node that sees the same members
 * computes the same snapshot, whatever order it learned them in, and {@link #digest()} lets nodes
 * check that they agree.
 *
 * <p>Owners are the members in state {@code ALIVE} or {@code SUSPECT}. Suspicion alone does not
 * move data: a suspect is usually a member that missed a probe or two, and moving its ranges only
 * to move them back a few seconds later would cost two rounds of streaming. {@code DEAD} and
 * {@code LEFT} members own nothing here; {@link TokenRing#follow} can keep a DEAD member as an
 * owner for a grace period ({@link RingConfig#failedGracePeriod()}).
 *
 * <p>Placement: the token space is cut into {@link RingConfig#partitions()} equal ranges. Each
 * partition ranks members by a rendezvous score (a hash of member name and partition) and takes
 * the best ones, at most one per zone when there are enough zones; a cap on each member's load
 * ({@link RingConfig#maxLoadFactor()}) trims the rare overloaded member. Lookups read a
 * prebuilt table and allocate nothing.
 *
 * <pre>{@code
 * RingSnapshot ring = RingSnapshot.of(node.members(), config);
 * List<Member> replicas = ring.replicasFor("user:42".getBytes(UTF_8)); // primary first
 * }</pre>
 */
public final class RingSnapshot {
    private final RingConfig config;
    private final Owners owners;
    private final Placement placement;
    private final int bits;
    private final List<Member>[] byPartition;
    private final int[] runStart;
    private final int[] replicaCounts;
    private final String digest;

    private RingSnapshot(RingConfig config, Owners owners, Placement placement, RingSnapshot previous, Remap remap) {
        this.config = config;
        this.owners = owners;
        this.placement = placement;
        this.bits = placement.bits();
        this.byPartition = ReplicaLists.build(owners, placement,
            previous == null ? null : new ReplicaLists.Previous(previous.byPartition, previous.placement, remap));
        if (previous != null && previous.placement == placement) {
            // Same placement, only Member values changed (a state, an address): same ownership.
            this.runStart = previous.runStart;
            this.replicaCounts = previous.replicaCounts;
            this.digest = previous.digest;
            return;
        }
        this.runStart = runs(placement, byPartition.length);
        this.replicaCounts = new int[owners.size()];
        for (int m : placement.replicaTable()) {
            replicaCounts[m]++;
        }
        this.digest = OwnershipDigest.of(owners, placement);
    }

    /**
     * The ring of a member set.
     *
     * @param members the members, in any order and any state: those {@code ALIVE} or
     *                {@code SUSPECT} own ranges, the others are ignored. May be empty: the ring
     *                then has no replicas anywhere ({@link #isEmpty()}).
     * @param config  the configuration
     * @return the snapshot
     * @throws IllegalArgumentException when two members share a name
     */
    public static RingSnapshot of(Collection<Member> members, RingConfig config) {
        Objects.requireNonNull(config, "config");
        return ofOwners(live(members), config);
    }

    /** The ring of exactly these owners, whatever their states (for grace periods). */
    static RingSnapshot ofOwners(Collection<Member> owners, RingConfig config) {
        Owners o = Owners.of(owners, config.zoneTag());
        return new RingSnapshot(config, o, Placement.compute(o, config.replicationFactor(),
            bitsOf(config), config.loadCap()), null, null);
    }

    /**
     * The ring of another member set under the same configuration. Equal to
     * {@code RingSnapshot.of(members, config())}, but computed from this snapshot: after a few
     * joins or leaves it costs time in proportion to the number of partitions, not partitions
     * times members.
     *
     * @param members the new members, as for {@link #of}
     * @return the new snapshot (this one when nothing changed)
     */
    public RingSnapshot update(Collection<Member> members) {
        return updateOwners(live(members));
    }

    RingSnapshot updateOwners(Collection<Member> newOwners) {
        Owners o = Owners.of(newOwners, config.zoneTag());
        Remap remap = Remap.of(owners, o);
        Placement next = placement.update(owners, o, remap, config.replicationFactor(), bits, config.loadCap());
        if (next == placement && o.members().equals(owners.members())) {
            return this;
        }
        return new RingSnapshot(config, o, next, this, remap);
    }

    private static List<Member> live(Collection<Member> members) {
        Objects.requireNonNull(members, "members");
        List<Member> live = new ArrayList<>(members.size());
        for (Member m : members) {
            if (Objects.requireNonNull(m, "member").state().isLive()) {
                live.add(m);
            }
        }
        return live;
    }

    private static int bitsOf(RingConfig config) {
        return Integer.numberOfTrailingZeros(config.partitions());
    }

    /**
     * @param key a key's bytes, hashed with {@link RingConfig#keyHash()}
     * @return the key's replicas, primary first, distinct, spread over zones when possible:
     *         {@code min(RF, members)} of them, none when the ring is empty. Unmodifiable and
     *         shared: the call allocates nothing.
     */
    public List<Member> replicasFor(byte[] key) {
        return replicasForToken(config.keyHash().applyAsLong(key));
    }

    /**
     * @param token a token
     * @return the replicas of the range holding the token, as {@link #replicasFor(byte[])}
     */
    public List<Member> replicasForToken(long token) {
        return byPartition[partitionOf(token)];
    }

    private int partitionOf(long token) {
        // Offset from the bottom of the token space, top `bits` bits; two shifts make bits = 0 work.
        return (int) ((token ^ Long.MIN_VALUE) >>> 1 >>> (63 - bits));
    }

    /**
     * @return every range, sorted by end, covering the ring exactly once; adjacent partitions
     *         with the same replica list form one range. The first range starts at
     *         {@link Long#MAX_VALUE}, i.e. wraps to hold {@link Long#MIN_VALUE}; a ring whose
     *         partitions all have the same replicas is the single range {@link TokenRange#FULL}.
     */
    public List<TokenRange> ranges() {
        return new Ranges(null);
    }

    /**
     * @param range one of {@link #ranges()}, or a part of one
     * @return its replicas, primary first
     * @throws IllegalArgumentException when the range spans ranges with different replicas
     */
    public List<Member> replicasFor(TokenRange range) {
        int run = runOf(partitionOf(range.end()));
        if (!rangeOfRun(run).contains(range)) {
            throw new IllegalArgumentException(range + " spans ranges with different replicas");
        }
        return byPartition[runStart[run]];
    }

    /**
     * @param memberName a member name
     * @return the ranges of {@link #ranges()} that the member replicates, at any rank; empty when
     *         it owns nothing
     */
    public List<TokenRange> rangesOf(String memberName) {
        int index = owners.indexOf(memberName);
        if (index < 0) {
            return List.of();
        }
        int[] mine = new int[runStart.length];
        int count = 0;
        for (int run = 0; run < runStart.length; run++) {
            for (int r = 0; r < placement.width(); r++) {
                if (placement.replica(runStart[run], r) == index) {
                    mine[count++] = run;
                    break;
                }
            }
        }
        return new Ranges(java.util.Arrays.copyOf(mine, count));
    }

    /**
     * @param memberName a member name
     * @return the fraction of the token space the member replicates, at any rank (its load): the
     *         mean over members is {@code min(RF, members) / members}; 0 for a non-owner
     */
    public double ownership(String memberName) {
        int index = owners.indexOf(memberName);
        return index < 0 ? 0.0 : replicaCounts[index] / (double) byPartition.length;
    }

    /** @return the owning members, sorted by name */
    public List<Member> members() {
        return owners.members();
    }

    /**
     * @param name a member name
     * @return the owner of that name, if it is one
     */
    public Optional<Member> member(String name) {
        int index = owners.indexOf(name);
        return index < 0 ? Optional.empty() : Optional.of(owners.member(index));
    }

    /**
     * @return the owners grouped by zone (zone name to members, sorted); members without the zone
     *         tag are under the empty string. One group under the empty string when zones are off.
     */
    public Map<String, List<Member>> zones() {
        Map<String, List<Member>> zones = new TreeMap<>();
        for (int i = 0; i < owners.size(); i++) {
            zones.computeIfAbsent(owners.zoneName(owners.zone(i)), z -> new ArrayList<>()).add(owners.member(i));
        }
        Map<String, List<Member>> copy = new LinkedHashMap<>();
        zones.forEach((z, list) -> copy.put(z, List.copyOf(list)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** @return whether the ring has no owners, so every lookup returns an empty list */
    public boolean isEmpty() {
        return owners.size() == 0;
    }

    /**
     * @return a version digest of the ownership (owner names and who replicates each partition,
     *         in order): two snapshots have equal digests exactly when they route every token to
     *         the same members (up to SHA-256 collisions). 32 hex digits.
     */
    public String digest() {
        return digest;
    }

    /** @return the configuration */
    public RingConfig config() {
        return config;
    }

    /**
     * Which ranges change replicas between two snapshots: the work list for repair. Ranges are
     * maximal runs in which both the before and the after replica lists stay the same; they may
     * therefore span several of either snapshot's {@link #ranges()}. A range whose replica set is
     * unchanged (even if its primary changed) is not listed.
     *
     * @param before the earlier snapshot (an empty one for "nothing was owned")
     * @param after  the later snapshot
     * @return the movements, sorted by range
     */
    public static List<RangeMovement> movements(RingSnapshot before, RingSnapshot after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        int bits = Math.max(before.bits, after.bits);
        long q = 1L << bits;
        List<RangeMovement> out = new ArrayList<>();
        List<Member> lastBefore = null;
        List<Member> lastAfter = null;
        boolean lastMoved = false;
        long open = -1;
        for (long f = 0; f < q; f++) {
            List<Member> b = before.byPartition[(int) (f >>> (bits - before.bits))];
            List<Member> a = after.byPartition[(int) (f >>> (bits - after.bits))];
            if (b == lastBefore && a == lastAfter) {
                continue; // same pair as the previous partition: same verdict, run continues
            }
            if (open >= 0) {
                out.add(new RangeMovement(range(open, f, bits), lastBefore, lastAfter));
                open = -1;
            }
            lastBefore = b;
            lastAfter = a;
            lastMoved = !sameNames(b, a);
            if (lastMoved) {
                open = f;
            }
        }
        if (open >= 0) {
            out.add(new RangeMovement(range(open, q, bits), lastBefore, lastAfter));
        }
        return out;
    }

    private static boolean sameNames(List<Member> a, List<Member> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Member m : a) {
            if (!b.contains(m) && !RangeMovement.containsName(b, m.name())) {
                return false;
            }
        }
        return true;
    }

    /** The range of partitions {@code [from, to)} of {@code 2^bits}. */
    static TokenRange range(long from, long to, int bits) {
        return new TokenRange(boundary(from, bits), boundary(to, bits));
    }

    /** The last token of partition {@code k - 1}: the exclusive start of partition {@code k}. */
    private static long boundary(long k, int bits) {
        if (k == 0 || k == 1L << bits) {
            return Long.MAX_VALUE;
        }
        return Long.MIN_VALUE + (k << (64 - bits)) - 1;
    }

    private TokenRange rangeOfRun(int run) {
        int to = run + 1 < runStart.length ? runStart[run + 1] : byPartition.length;
        return range(runStart[run], to, bits);
    }

    private int runOf(int partition) {
        int lo = 0;
        int hi = runStart.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runStart[mid] <= partition) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static int[] runs(Placement placement, int q) {
        int[] starts = new int[q];
        int count = 1;
        for (int p = 1; p < q; p++) {
            if (!placement.sameReplicas(p, p - 1)) {
                starts[count++] = p;
            }
        }
        return count == q ? starts : java.util.Arrays.copyOf(starts, count);
    }

    /** @return whether both snapshots route alike and every owner has the same address */
    boolean sameRouting(RingSnapshot other) {
        if (!digest.equals(other.digest)) {
            return false;
        }
        for (int i = 0; i < owners.size(); i++) {
            if (!owners.member(i).address().equals(other.owners.member(i).address())) {
                return false;
            }
        }
        return true;
    }

    Owners owners() {
        return owners;
    }

    @Override
    public String toString() {
        return "RingSnapshot{owners=" + owners.size() + ", partitions=" + byPartition.length
            + ", ranges=" + runStart.length + ", rf=" + config.replicationFactor()
            + ", digest=" + digest + '}';
    }

    /** A view of some runs (all when {@code runs} is null) as token ranges, built on access. */
    private final class Ranges extends AbstractList<TokenRange> implements RandomAccess {
        private final int[] runs;

        Ranges(int[] runs) {
            this.runs = runs;
        }

        @Override
        public TokenRange get(int index) {
            Objects.checkIndex(index, size());
            return rangeOfRun(runs == null ? index : runs[index]);
        }

        @Override
        public int size() {
            return runs == null ? runStart.length : runs.length;
        }
    }
}
