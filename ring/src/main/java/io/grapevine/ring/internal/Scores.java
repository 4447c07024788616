package io.grapevine.ring.internal;

/**
 * Rendezvous scores: every (member, partition) pair gets a pseudo-random 64-bit score that depends
 * on nothing else, so a member's standing in a partition never changes when others come and go.
 * That independence is what makes joins and leaves move only the ranges they must.
 */
final class Scores {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Scores() {
    }

    static long score(long seed, int partition) {
        return Murmur3.fmix64(seed ^ (partition * GOLDEN));
    }

    /**
     * The total order of candidates within a partition: higher score first, ties (2^-64 per pair)
     * broken by owner index, which follows name order and so agrees on every node.
     */
    static boolean better(long scoreA, int a, long scoreB, int b) {
        return scoreA > scoreB || (scoreA == scoreB && a < b);
    }
}
