package io.grapevine.ring.internal;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.membership.MembershipView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides who owns ranges at a given time: the live members (ALIVE, SUSPECT), plus each owner
 * that turned DEAD less than the grace period ago. A member that LEFT stops owning at once; a
 * DEAD member that comes back ALIVE within the grace period never stopped owning, so nothing
 * moved; one that is reaped from the view while in grace keeps owning until the grace ends.
 * Not thread-safe: the caller serialises calls.
 */
public final class GraceTracker {
    private final long graceMillis;
    private final Map<String, Failed> failed = new HashMap<>();
    private Set<String> owning = Set.of();

    /** @param graceMillis the grace period in milliseconds (0: none) */
    public GraceTracker(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /**
     * @param view the latest membership view
     * @param now  the current time in milliseconds, on the clock used for {@link #nextExpiry()}
     * @return the owners at {@code now}
     */
    public List<Member> owners(MembershipView view, long now) {
        List<Member> result = new ArrayList<>(view.members().size());
        Set<String> seen = new HashSet<>();
        for (Member m : view.members()) {
            seen.add(m.name());
            if (m.state().isLive()) {
                failed.remove(m.name());
                result.add(m);
            } else if (m.state() == MemberState.DEAD && graceMillis > 0
                && (owning.contains(m.name()) || failed.containsKey(m.name()))) {
                Failed f = failed.computeIfAbsent(m.name(), n -> new Failed(now));
                f.member = m;
                if (now - f.since < graceMillis) {
                    result.add(m);
                } else {
                    failed.remove(m.name());
                }
            } else {
                failed.remove(m.name()); // LEFT, or DEAD without grace: its ranges move now
            }
        }
        for (Iterator<Map.Entry<String, Failed>> it = failed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Failed> e = it.next();
            if (seen.contains(e.getKey())) {
                continue;
            }
            if (now - e.getValue().since < graceMillis) {
                result.add(e.getValue().member); // reaped while in grace: keep until it ends
            } else {
                it.remove();
            }
        }
        Set<String> names = new HashSet<>();
        for (Member m : result) {
            names.add(m.name());
        }
        owning = names;
        return result;
    }

    /** @return when the earliest grace period ends (milliseconds), or {@link Long#MAX_VALUE} */
    public long nextExpiry() {
        long next = Long.MAX_VALUE;
        for (Failed f : failed.values()) {
            next = Math.min(next, f.since + graceMillis);
        }
        return next;
    }

    /** A DEAD owner in its grace period. */
    private static final class Failed {
        final long since;
        Member member;

        Failed(long since) {
            this.since = since;
        }
    }
}
