package io.grapevine.ring;

import io.grapevine.membership.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One contiguous range whose replica set changed between two ring snapshots: the input for
 * repair, which must stream the range to the members {@link #gaining()} it. Members are compared
 * by name; a change of replica order alone (a new primary) is not a movement.
 *
 * @param range  the range
 * @param before its replicas in the earlier snapshot, primary first (empty when it had none)
 * @param after  its replicas in the later snapshot, primary first (empty when it has none)
 */
public record RangeMovement(TokenRange range, List<Member> before, List<Member> after) {

    /**
     * Validates and copies the lists.
     *
     * @param range  the range
     * @param before its replicas before
     * @param after  its replicas after
     */
    public RangeMovement {
        Objects.requireNonNull(range, "range");
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /** @return the members that replicate the range after but not before, in {@link #after()} order */
    public List<Member> gaining() {
        return minus(after, before);
    }

    /** @return the members that replicated the range before but no longer do, in {@link #before()} order */
    public List<Member> losing() {
        return minus(before, after);
    }

    /** @return the members that replicate the range both before and after: sources for streaming */
    public List<Member> keeping() {
        List<Member> out = new ArrayList<>(after.size());
        for (Member m : after) {
            if (containsName(before, m.name())) {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    private static List<Member> minus(List<Member> from, List<Member> without) {
        List<Member> out = new ArrayList<>(from.size());
        for (Member m : from) {
            if (!containsName(without, m.name())) {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    static boolean containsName(List<Member> list, String name) {
        for (Member m : list) {
            if (m.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
