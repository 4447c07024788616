package io.grapevine.membership;

import java.util.Objects;

/**
 * A change of one member, as observed by this node.
 *
 * @param type      what happened
 * @param member    the member after the change (for {@link Type#REMOVED}: as it was last known)
 * @param timestamp the node's scheduler time of the change, in milliseconds (virtual time in the testkit)
 */
public record MembershipEvent(Type type, Member member, long timestamp) {

    /** Validates the fields. */
    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(member, "member");
    }

    /** The kinds of change. */
    public enum Type {
        /** A member was learned, or came back after being dead or left. */
        JOINED,
        /** A live member changed its tags or address. */
        UPDATED,
        /** A member is suspected of having failed. */
        SUSPECTED,
        /** A suspected member refuted the suspicion. */
        RECOVERED,
        /** A member was declared failed. */
        FAILED,
        /** A member left gracefully. */
        LEFT,
        /** A dead or left member was reaped from the table after the gossip-to-the-dead time. */
        REMOVED
    }
}
