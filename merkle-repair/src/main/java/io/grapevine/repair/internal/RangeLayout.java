package io.grapevine.repair.internal;

import io.grapevine.ring.TokenRange;
import java.math.BigInteger;

/**
 * How a token range lies over the buckets of a {@link BucketTree} at a given depth: a run of
 * {@code pieces} consecutive buckets (wrapping from the last bucket to bucket 0), where the first
 * and the last piece may cover only part of their bucket. Both replicas derive the same layout
 * from the same (range, depth), so piece {@code i} and node {@code [lo, hi)} mean the same tokens
 * on both sides. The tree of a range is the binary tree over piece indices split at the midpoint.
 */
public final class RangeLayout {
    private final int depth;
    private final long firstBucket;
    private final int pieces;
    private final long firstLow;
    private final long lastHigh;
    private final boolean firstPartial;
    private final boolean lastPartial;

    private RangeLayout(int depth, long firstBucket, int pieces, long firstLow, long lastHigh) {
        this.depth = depth;
        this.firstBucket = firstBucket;
        this.pieces = pieces;
        this.firstLow = firstLow;
        this.lastHigh = lastHigh;
        this.firstPartial = firstLow != bucketLow(0) || (pieces == 1 && lastHigh != bucketHigh(0));
        this.lastPartial = pieces > 1 && lastHigh != bucketHigh(pieces - 1);
    }

    /**
     * @param range a token range (start exclusive, end inclusive; wrapping; start == end is all)
     * @param depth bucket bits, 1..{@value BucketTree#MAX_DEPTH}
     * @return its layout
     */
    public static RangeLayout of(TokenRange range, int depth) {
        long firstLow = (range.start() ^ Long.MIN_VALUE) + 1; // unsigned position of the first token
        long lastHigh = range.end() ^ Long.MIN_VALUE;           // unsigned position of the last token
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        BigInteger length = unsigned(lastHigh - firstLow + 1);  // number of tokens; 0 means 2^64
        if (length.signum() == 0) {
            length = two64;
        }
        BigInteger bucketSize = BigInteger.ONE.shiftLeft(64 - depth);
        BigInteger offset = unsigned(firstLow).mod(bucketSize);
        int pieces = offset.add(length).add(bucketSize).subtract(BigInteger.ONE).divide(bucketSize).intValueExact();
        return new RangeLayout(depth, firstLow >>> (64 - depth), pieces, firstLow, lastHigh);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /** @return bucket bits */
    public int depth() {
        return depth;
    }

    /** @return number of pieces (buckets touched, the first one counted twice when the range wraps onto it) */
    public int pieces() {
        return pieces;
    }

    /** @return the bucket of piece 0 */
    public long firstBucket() {
        return firstBucket;
    }

    /**
     * @param i a piece index
     * @return the bucket of that piece
     */
    public long bucketOf(int i) {
        return (firstBucket + i) & ((1L << depth) - 1);
    }

    /** @return whether piece 0 covers only part of its bucket */
    public boolean firstPartial() {
        return firstPartial;
    }

    /** @return whether the last piece (when it is not piece 0) covers only part of its bucket */
    public boolean lastPartial() {
        return lastPartial;
    }

    /**
     * @param i a piece index
     * @return the tokens of that piece as a non-wrapping range
     */
    public TokenRange piece(int i) {
        long low = i == 0 ? firstLow : bucketLow(i);
        long high = i == pieces - 1 ? lastHigh : bucketHigh(i);
        // Exclusive start: one below the first token. Pieces never wrap, so the piece that starts
        // the ring starts after Long.MIN_VALUE, a token no key has (Tokens maps it to MAX_VALUE).
        long start = low == 0 ? Long.MIN_VALUE : (low ^ Long.MIN_VALUE) - 1;
        return new TokenRange(start, high ^ Long.MIN_VALUE);
    }

    private long bucketLow(int i) {
        return bucketOf(i) << (64 - depth);
    }

    private long bucketHigh(int i) {
        return bucketLow(i) + ((1L << (64 - depth)) - 1);
    }

    /**
     * The hash of the pieces {@code [lo, hi)}: full buckets read from the tree, partial ones from
     * the hashes the caller computed by scanning ({@code first} for piece 0, {@code last} for the
     * last piece; ignored when those pieces are full).
     *
     * @param tree  the bucket tree, at least as deep as this layout
     * @param lo    first piece
     * @param hi    one past the last piece
     * @param first the hash of piece 0 when partial
     * @param last  the hash of the last piece when partial
     * @return the node hash
     */
    public long hash(BucketTree tree, int lo, int hi, long first, long last) {
        long h = 0;
        int a = lo;
        int b = hi - 1;
        if (a == 0 && firstPartial) {
            h ^= first;
            a++;
        }
        if (b == pieces - 1 && lastPartial && b >= a) {
            h ^= last;
            b--;
        }
        if (a <= b) {
            long from = bucketOf(a);
            long to = bucketOf(b);
            if (from <= to && (long) b - a < (1L << depth)) {
                h ^= tree.xor(depth, from, to);
            } else {
                h ^= tree.xor(depth, from, (1L << depth) - 1) ^ tree.xor(depth, 0, to);
            }
        }
        return h;
    }
}
