package io.grapevine.ring.internal;

import io.grapevine.membership.Member;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a placement into the lookup table: one unmodifiable replica list per partition, built
 * once, so that a lookup is two array reads and allocates nothing. A partition whose replicas
 * did not change since the previous snapshot (same members, same order, equal {@code Member}
 * values) reuses that snapshot's list; in small clusters,
 * partitions with the same replicas (in the same order) share one list.
 */
public final class ReplicaLists {
    private static final int PACK_BITS = 21;

    private ReplicaLists() {
    }

    /**
     * @param owners    the owners
     * @param placement their placement
     * @param previous  the previous snapshot's lists, placement and owner mapping, or null
     * @return the replica list of every partition
     */
    @SuppressWarnings("unchecked")
    public static List<Member>[] build(Owners owners, Placement placement, Previous previous) {
        int q = 1 << placement.bits();
        int width = placement.width();
        List<Member>[] lists = new List[q];
        if (width == 0) {
            Arrays.fill(lists, List.of());
            return lists;
        }
        boolean reuse = previous != null && previous.placement.bits() == placement.bits()
            && previous.placement.width() == width;
        LongMap shared = sharing(owners.size(), width, q) ? new LongMap() : null;
        Member[] scratch = new Member[width];
        for (int p = 0; p < q; p++) {
            if (reuse && previous.placement.sameReplicas(p, placement, p, previous.remap)) {
                lists[p] = previous.lists[p];
                if (shared != null) {
                    shared.putIfAbsent(key(placement, p, width), lists[p]);
                }
                continue;
            }
            if (shared != null) {
                long key = key(placement, p, width);
                List<Member> list = shared.get(key);
                if (list == null) {
                    list = listOf(owners, placement, p, scratch);
                    shared.put(key, list);
                }
                lists[p] = list;
            } else {
                lists[p] = listOf(owners, placement, p, scratch);
            }
        }
        return lists;
    }

    /** Sharing pays when there are fewer possible replica lists than partitions. */
    private static boolean sharing(int owners, int width, int q) {
        if (width > 3 || owners >= (1 << PACK_BITS) - 1) {
            return false;
        }
        double lists = Math.pow(owners, width);
        return lists <= q;
    }

    private static long key(Placement placement, int p, int width) {
        long key = 0;
        for (int r = 0; r < width; r++) {
            key |= (long) (placement.replica(p, r) + 1) << (r * PACK_BITS);
        }
        return key;
    }

    private static List<Member> listOf(Owners owners, Placement placement, int p, Member[] scratch) {
        for (int r = 0; r < scratch.length; r++) {
            scratch[r] = owners.member(placement.replica(p, r));
        }
        return scratch.length == 3 ? new ReplicaTriple(scratch[0], scratch[1], scratch[2]) : List.of(scratch);
    }

    /**
     * What the previous snapshot offers for reuse.
     *
     * @param lists     its lists
     * @param placement its placement
     * @param remap     its owner indexes mapped onto the new owners'
     */
    public record Previous(List<Member>[] lists, Placement placement, Remap remap) {
    }

    /** Open-addressing map from packed replica indexes to the shared list. */
    private static final class LongMap {
        private long[] keys = new long[64];
        private Object[] values = new Object[64];
        private int size;

        @SuppressWarnings("unchecked")
        List<Member> get(long key) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (values[i] == null) {
                    return null;
                }
                if (keys[i] == key) {
                    return (List<Member>) values[i];
                }
            }
        }

        void putIfAbsent(long key, List<Member> value) {
            if (get(key) == null) {
                put(key, value);
            }
        }

        void put(long key, List<Member> value) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            insert(keys, values, key, value);
            size++;
        }

        private void grow() {
            long[] oldKeys = keys;
            Object[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new Object[oldValues.length * 2];
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldValues[j] != null) {
                    insert(keys, values, oldKeys[j], oldValues[j]);
                }
            }
        }

        private static void insert(long[] keys, Object[] values, long key, Object value) {
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }

        private static int slot(long key, int mask) {
            return (int) Murmur3.fmix64(key) & mask;
        }
    }
}
