package io.grapevine.repair.internal;

/** A fixed-capacity open-addressing set of longs, sized for one leaf unit's hashes. */
final class LongSet {
    private final long[] slots;
    private final boolean[] used;
    private final int mask;

    LongSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        slots = new long[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    void add(long v) {
        int i = (int) EntryHash.avalanche(v) & mask;
        while (used[i]) {
            if (slots[i] == v) {
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        slots[i] = v;
    }

    boolean contains(long v) {
        int i = (int) EntryHash.avalanche(v) & mask;
        while (used[i]) {
            if (slots[i] == v) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }
}
