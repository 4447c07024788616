package io.grapevine.ring.internal;

/**
 * Who replicates each of the {@code 2^bits} partitions: the natural (pure rendezvous) placement,
 * kept so that the next change can be computed incrementally, and the final placement after the
 * load cap. Both are {@code partitions * width} owner indexes, best first within a partition.
 * Either way of computing it ({@link #compute} from scratch or {@link #update} from a previous
 * placement) gives the same arrays: placement is a function of the owner set and the settings.
 */
public final class Placement {
    private final int bits;
    private final Layout layout;
    private final double maxLoadFactor;
    private final int[] natural;
    private final int[] replicas;

    private Placement(int bits, Layout layout, double maxLoadFactor, int[] natural, int[] replicas) {
        this.bits = bits;
        this.layout = layout;
        this.maxLoadFactor = maxLoadFactor;
        this.natural = natural;
        this.replicas = replicas;
    }

    /**
     * @param owners        the owners
     * @param rf            the replication factor
     * @param bits          log2 of the number of partitions
     * @param maxLoadFactor the load cap, infinity for none, NaN for automatic
     * @return the placement, computed from scratch in O(partitions * owners)
     */
    public static Placement compute(Owners owners, int rf, int bits, double maxLoadFactor) {
        Layout layout = Layout.of(owners, rf);
        int q = 1 << bits;
        int width = layout.width();
        int[] natural = new int[q * width];
        if (width > 0) {
            Selector selector = new Selector(owners, layout);
            for (int p = 0; p < q; p++) {
                selector.selectAll(p, natural, p * width);
            }
        }
        return capped(owners, bits, layout, maxLoadFactor, natural);
    }

    /**
     * The placement for {@code owners}, derived from this one (computed for {@code previous}):
     * equal to {@link #compute} but in O(partitions) for a few joins and leaves, because only
     * partitions that lost a replica are walked again and joiners only need comparing with the
     * replicas already chosen. Falls back to {@link #compute} when the zone layout changed.
     *
     * @param previous      the owners this placement was computed for
     * @param owners        the new owners
     * @param remap         {@code Remap.of(previous, owners)}
     * @param rf            the replication factor
     * @param bits          log2 of the number of partitions
     * @param maxLoadFactor the load cap, infinity for none, NaN for automatic
     * @return the new placement
     */
    public Placement update(Owners previous, Owners owners, Remap remap, int rf, int bits, double maxLoadFactor) {
        Layout next = Layout.of(owners, rf);
        if (bits != this.bits || !next.equals(layout) || next.fallback() || !owners.sameZones(previous)) {
            return compute(owners, rf, bits, maxLoadFactor);
        }
        int[] nat;
        if (remap.identity()) {
            nat = this.natural;
        } else {
            boolean[] known = new boolean[owners.size()];
            for (int i = 0; i < remap.size(); i++) {
                if (remap.next(i) >= 0) {
                    known[remap.next(i)] = true;
                }
            }
            int[] joined = new int[remap.joinedCount()];
            for (int j = 0, w = 0; j < known.length; j++) {
                if (!known[j]) {
                    joined[w++] = j;
                }
            }
            nat = reselect(previous, owners, next, remap, joined);
        }
        if (nat == this.natural && Double.compare(maxLoadFactor, this.maxLoadFactor) == 0) {
            return this;
        }
        return capped(owners, bits, next, maxLoadFactor, nat);
    }

    private int[] reselect(Owners previous, Owners owners, Layout next, Remap remap, int[] joined) {
        int width = next.width();
        int q = 1 << bits;
        int[] result = new int[q * width];
        Selector selector = new Selector(owners, next);
        int[] cand = new int[width + joined.length];
        System.arraycopy(joined, 0, cand, width, joined.length);
        boolean oneJoiner = joined.length == 1 && next.quota() == 1;
        boolean refill = joined.length == 0 && selector.onePerEveryZone();
        int[] lostZone = new int[width];
        for (int p = 0; p < q; p++) {
            int off = p * width;
            boolean lost = false;
            for (int r = 0; r < width; r++) {
                int m = remap.next(natural[off + r]);
                if (m < 0) {
                    lost = true;
                    lostZone[r] = previous.zone(natural[off + r]); // same zone names, same indexes
                }
                cand[r] = m;
            }
            if (lost && refill) {
                selector.refill(p, cand, lostZone, result, off);
            } else if (lost) {
                selector.selectAll(p, result, off);
            } else if (joined.length == 0) {
                for (int r = 0; r < width; r++) { // name order, hence tie order, is kept
                    result[off + r] = cand[r];
                }
            } else if (oneJoiner) {
                selector.admit(p, cand, joined[0], result, off);
            } else {
                selector.selectAmong(p, cand, cand.length, result, off);
            }
        }
        return result;
    }

    private static Placement capped(Owners owners, int bits, Layout layout, double maxLoadFactor, int[] natural) {
        int[] replicas = natural;
        if (layout.width() > 0 && maxLoadFactor != Double.POSITIVE_INFINITY) {
            replicas = LoadCap.apply(owners, 1 << bits, layout.width(), natural, maxLoadFactor);
        }
        return new Placement(bits, layout, maxLoadFactor, natural, replicas);
    }

    /** @return replicas per partition */
    public int width() {
        return layout.width();
    }

    /** @return log2 of the number of partitions */
    public int bits() {
        return bits;
    }

    /**
     * @param partition a partition
     * @param rank      0 for the primary, up to {@code width() - 1}
     * @return the owner index of that replica
     */
    public int replica(int partition, int rank) {
        return replicas[partition * layout.width() + rank];
    }

    /**
     * @param partition a partition
     * @param other     another placement with the same width
     * @param otherPartition a partition of the other placement
     * @param remap     maps this placement's owner indexes onto the other's
     * @return whether the two partitions have the same replicas in the same order, each with an
     *         unchanged {@code Member} value
     */
    boolean sameReplicas(int partition, Placement other, int otherPartition, Remap remap) {
        int w = layout.width();
        for (int r = 0; r < w; r++) {
            int m = replicas[partition * w + r];
            if (remap.next(m) != other.replicas[otherPartition * w + r] || !remap.unchanged(m)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param a a partition
     * @param b another partition
     * @return whether both have the same replicas in the same order
     */
    public boolean sameReplicas(int a, int b) {
        int w = layout.width();
        for (int r = 0; r < w; r++) {
            if (replicas[a * w + r] != replicas[b * w + r]) {
                return false;
            }
        }
        return true;
    }

    /** @return the final placement, {@code partitions * width} owner indexes (do not modify) */
    public int[] replicaTable() {
        return replicas;
    }
}
