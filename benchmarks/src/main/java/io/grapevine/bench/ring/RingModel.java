package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import java.util.List;
import java.util.Map;

/** One placement algorithm under comparison: builds a ring for a member list. */
interface RingModel {

    /** @return the row label */
    String label();

    /**
     * @param members the members (all owners), each tagged with a zone
     * @return the ring, computed from scratch
     */
    Ring build(List<Member> members);

    /**
     * @param previous the ring of the previous member list
     * @param members  the new member list
     * @return the new ring; models that can derive it incrementally do so
     */
    default Ring update(Ring previous, List<Member> members) {
        return build(members);
    }

    /** A built ring. */
    interface Ring {
        /**
         * @param token a token
         * @return its replicas, primary first
         */
        List<Member> replicas(long token);

        /** @return each member's share of the token space it replicates, at any rank */
        Map<String, Double> ownership();

        /**
         * @param before  the ring before a join or leave
         * @param changed the member that joined or left
         * @param join    whether it joined
         * @return how much replica ownership moved, and how much of it went to (join) or came
         *         from (leave) members other than {@code changed}; fractions of the token space
         */
        Moved movedSince(Ring before, String changed, boolean join);

        /** @return whether {@link #ownership()} and {@link #movedSince} are exact (else sampled) */
        boolean exact();
    }

    /**
     * @param total     replica ownership that changed hands
     * @param offTarget the part of it not involving the newcomer or the leaver
     */
    record Moved(double total, double offTarget) {
    }
}
