package io.grapevine.repair.internal;

import java.util.Arrays;

/** A growable list of primitive longs (tree nodes, hashes, indices) without boxing. */
final class LongList {
    private long[] a = new long[8];
    private int size;

    void add(long v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = v;
    }

    long get(int i) {
        return a[i];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }
}
