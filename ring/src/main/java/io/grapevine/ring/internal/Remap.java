package io.grapevine.ring.internal;

/**
 * How the owner indexes of one owner set map onto another's: the same member (by name, in the
 * same zone) keeps its identity across snapshots even though indexes shift when others join or
 * leave. A member that moved zone counts as having left and joined.
 */
public final class Remap {
    private final int[] toNext;
    private final boolean[] unchanged;
    private final int joined;

    private Remap(int[] toNext, boolean[] unchanged, int joined) {
        this.toNext = toNext;
        this.unchanged = unchanged;
        this.joined = joined;
    }

    /**
     * @param previous the earlier owners
     * @param next     the later owners
     * @return the mapping from {@code previous} indexes to {@code next} ones
     */
    public static Remap of(Owners previous, Owners next) {
        int[] toNext = new int[previous.size()];
        boolean[] unchanged = new boolean[previous.size()];
        int kept = 0;
        for (int i = 0; i < toNext.length; i++) {
            int j = next.indexOf(previous.member(i).name());
            if (j >= 0 && !next.zoneName(next.zone(j)).equals(previous.zoneName(previous.zone(i)))) {
                j = -1;
            }
            toNext[i] = j < 0 ? -1 : j;
            if (j >= 0) {
                kept++;
                unchanged[i] = next.member(j).equals(previous.member(i));
            }
        }
        return new Remap(toNext, unchanged, next.size() - kept);
    }

    /**
     * @param i a previous owner index
     * @return its index among the next owners, or -1 when it left (or moved zone)
     */
    public int next(int i) {
        return toNext[i];
    }

    /**
     * @param i a previous owner index
     * @return whether the member is still an owner with an equal {@code Member} value
     */
    boolean unchanged(int i) {
        return unchanged[i];
    }

    /** @return whether every previous owner kept its index and nobody joined */
    boolean identity() {
        if (joined != 0) {
            return false;
        }
        for (int i = 0; i < toNext.length; i++) {
            if (toNext[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** @return how many next owners are new (joined, or moved zone) */
    int joinedCount() {
        return joined;
    }

    /** @return the previous owner count */
    int size() {
        return toNext.length;
    }
}
