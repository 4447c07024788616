package io.grapevine.ring;

/**
 * A contiguous range of tokens, {@code (start, end]}: start exclusive, end inclusive, as in
 * Cassandra. A range wraps around the top of the token space when {@code start >= end}, and
 * {@code start == end} means the whole ring. Ranges sort by their end, then their start.
 *
 * @param start the token just before the range (exclusive)
 * @param end   the last token of the range (inclusive)
 */
public record TokenRange(long start, long end) implements Comparable<TokenRange> {

    /** The whole ring as one range. */
    public static final TokenRange FULL = new TokenRange(Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * @param token a token
     * @return whether the token lies in this range
     */
    public boolean contains(long token) {
        if (start < end) {
            return token > start && token <= end;
        }
        return token > start || token <= end;
    }

    /**
     * @param other another range
     * @return whether every token of {@code other} lies in this range
     */
    public boolean contains(TokenRange other) {
        if (isFull()) {
            return true;
        }
        if (other.isFull()) {
            return false;
        }
        // Work in unsigned offsets from this range's start, so wrapping needs no special case.
        long width = end - start;
        long otherWidth = other.end - other.start;
        long offset = other.start - start;
        return Long.compareUnsigned(otherWidth, width) <= 0
            && Long.compareUnsigned(offset, width - otherWidth) <= 0;
    }

    /** @return whether this range is the whole ring */
    public boolean isFull() {
        return start == end;
    }

    /**
     * @return the number of tokens in the range as a fraction of the whole token space (the
     *         whole ring is 1.0)
     */
    public double fraction() {
        if (isFull()) {
            return 1.0;
        }
        long width = end - start;
        // Unsigned 64-bit width divided by 2^64.
        double high = (double) (width >>> 1) * 2.0 + (width & 1);
        return high / 0x1p64;
    }

    @Override
    public int compareTo(TokenRange o) {
        int c = Long.compare(end, o.end);
        return c != 0 ? c : Long.compare(start, o.start);
    }

    @Override
    public String toString() {
        return "(" + start + ", " + end + "]";
    }
}
