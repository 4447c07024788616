package io.grapevine.kv.internal;

import io.grapevine.membership.Member;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ring as a picture needs it: positions on the circle as fractions of the token space
 * ({@code 0} at {@link Long#MIN_VALUE}, growing clockwise to {@code 1}), and the replicas of at
 * most {@link #MAX_SLOTS} equal slots. A ring has at most 65,536 partitions; a circle a few hundred
 * pixels wide cannot show more than about a thousand, and the browser should not have to receive
 * them, so larger rings are sampled at each slot's first token.
 */
public final class RingLayout {
    /** Most slots sent for one ring. */
    public static final int MAX_SLOTS = 1024;
    /** Most movements sent for one ring change (the count of the rest is sent). */
    public static final int MAX_MOVEMENTS = 512;
    private static final double TWO_TO_64 = 0x1p64;

    private RingLayout() {
    }

    /**
     * One range that changes replicas.
     *
     * @param from   where it starts on the circle (fraction, inclusive)
     * @param to     where it ends (fraction, exclusive; {@code to <= from} wraps past 0)
     * @param before replica names before, primary first
     * @param after  replica names after, primary first
     */
    public record Move(double from, double to, List<String> before, List<String> after) {
    }

    /**
     * @param ring a snapshot
     * @return owner names, sorted (the indices {@link #slots} refers to)
     */
    public static List<String> owners(RingSnapshot ring) {
        List<String> names = new ArrayList<>(ring.members().size());
        for (Member m : ring.members()) {
            names.add(m.name());
        }
        return names;
    }

    /**
     * @param ring   a snapshot
     * @param owners {@link #owners(RingSnapshot)} of it
     * @return for each of {@code min(partitions, MAX_SLOTS)} equal slots, clockwise from 0, its
     *         replicas as indices into {@code owners}, primary first
     */
    public static int[][] slots(RingSnapshot ring, List<String> owners) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < owners.size(); i++) {
            index.put(owners.get(i), i);
        }
        int n = Math.min(ring.config().partitions(), MAX_SLOTS);
        int shift = 64 - Integer.numberOfTrailingZeros(n);
        int[][] slots = new int[n][];
        for (int s = 0; s < n; s++) {
            List<Member> replicas = ring.replicasForToken(Long.MIN_VALUE + ((long) s << shift));
            int[] ids = new int[replicas.size()];
            for (int r = 0; r < ids.length; r++) {
                ids[r] = index.getOrDefault(replicas.get(r).name(), -1);
            }
            slots[s] = ids;
        }
        return slots;
    }

    /**
     * @param movements the ranges that changed replicas
     * @return at most {@link #MAX_MOVEMENTS} of them as positions on the circle
     */
    public static List<Move> moves(List<RangeMovement> movements) {
        List<Move> out = new ArrayList<>(Math.min(movements.size(), MAX_MOVEMENTS));
        for (RangeMovement m : movements) {
            if (out.size() == MAX_MOVEMENTS) {
                break;
            }
            out.add(new Move(from(m.range()), to(m.range()), names(m.before()), names(m.after())));
        }
        return out;
    }

    /**
     * @param range a token range {@code (start, end]}
     * @return where its first token lies on the circle
     */
    public static double from(TokenRange range) {
        return position(range.start() + 1);
    }

    /**
     * @param range a token range {@code (start, end]}
     * @return where the token after its last lies on the circle ({@code 1.0} at the top of the
     *         token space, so that the whole ring is {@code [0, 1)})
     */
    public static double to(TokenRange range) {
        double to = position(range.end() + 1);
        return to == 0.0 ? 1.0 : to;
    }

    /** @return the token's offset from {@link Long#MIN_VALUE} as a fraction of 2^64 */
    static double position(long token) {
        long offset = token ^ Long.MIN_VALUE; // unsigned distance from the bottom
        double unsigned = (double) (offset >>> 1) * 2.0 + (offset & 1);
        return unsigned / TWO_TO_64;
    }

    private static List<String> names(List<Member> members) {
        List<String> names = new ArrayList<>(members.size());
        for (Member m : members) {
            names.add(m.name());
        }
        return names;
    }
}
