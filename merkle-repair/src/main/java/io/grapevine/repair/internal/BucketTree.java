package io.grapevine.repair.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A perfect binary tree of XOR hashes over the whole 64-bit token space, {@code 2^depth} leaf
 * buckets, stored as an implicit heap ({@code nodes[1]} is the root, leaves start at
 * {@code 2^depth}). Bucket {@code b} holds the XOR of the entry hashes whose token's top
 * {@code depth} bits (of the token with its sign flipped, so that buckets follow token order) are
 * {@code b}. Because the combiner is XOR, any contiguous run of buckets, and therefore any token
 * range's tree, is a few reads away, and a coarser tree (a smaller depth) is the same heap read
 * higher up.
 *
 * <p>Concurrency: writers fold deltas with an atomic XOR, readers read with acquire semantics. A
 * reader may see a write half-way up its path, which only makes a session see a difference that a
 * later round settles; no lock is ever taken.
 */
public final class BucketTree {
    private static final VarHandle NODES = MethodHandles.arrayElementVarHandle(long[].class);

    private final int depth;
    private final long[] nodes;

    /** @param depth the number of bucket bits, 1..{@value #MAX_DEPTH} */
    public BucketTree(int depth) {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be 1.." + MAX_DEPTH + ": " + depth);
        }
        this.depth = depth;
        this.nodes = new long[2 << depth];
    }

    /** Deepest supported tree: 2^26 buckets, 1 GiB. */
    public static final int MAX_DEPTH = 26;

    /** @return the number of bucket bits */
    public int depth() {
        return depth;
    }

    /** @return the heap size in bytes */
    public long memoryBytes() {
        return (long) nodes.length * Long.BYTES;
    }

    /**
     * @param token a token
     * @param depth a depth
     * @return the bucket of the token at that depth
     */
    public static long bucket(long token, int depth) {
        return (token ^ Long.MIN_VALUE) >>> (64 - depth);
    }

    /**
     * Folds a delta into the token's bucket and every ancestor.
     *
     * @param token the token of the entry
     * @param delta {@code hash(old) ^ hash(new)}
     */
    public void fold(long token, long delta) {
        if (delta == 0) {
            return;
        }
        int i = (1 << depth) + (int) bucket(token, depth);
        while (i > 0) {
            NODES.getAndBitwiseXor(nodes, i, delta);
            i >>>= 1;
        }
    }

    /**
     * The XOR of buckets {@code from..to} (inclusive, {@code from <= to}) of the tree read at
     * {@code level} ({@code level <= depth()}).
     *
     * @param level the depth the bucket indices refer to
     * @param from  first bucket
     * @param to    last bucket
     * @return their combined hash
     */
    public long xor(int level, long from, long to) {
        int shift = depth - level;
        int l = (1 << depth) + (int) (from << shift);
        int r = (1 << depth) + (int) ((to + 1) << shift);
        long h = 0;
        while (l < r) {
            if ((l & 1) != 0) {
                h ^= (long) NODES.getAcquire(nodes, l++);
            }
            if ((r & 1) != 0) {
                h ^= (long) NODES.getAcquire(nodes, --r);
            }
            l >>>= 1;
            r >>>= 1;
        }
        return h;
    }

    /** @return the hash of everything */
    public long root() {
        return (long) NODES.getAcquire(nodes, 1);
    }
}
