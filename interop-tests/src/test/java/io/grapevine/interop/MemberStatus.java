package io.grapevine.interop;

import io.grapevine.membership.MemberState;

/**
 * A member's state as one observer reports it, in words common to serf and Grapevine, so one
 * assertion covers both kinds of node.
 */
enum MemberStatus {
    /** serf {@code alive}; Grapevine {@code ALIVE}. */
    ALIVE,
    /** Grapevine {@code SUSPECT} (serf shows a suspect as {@code alive}). */
    SUSPECT,
    /** serf {@code failed}; Grapevine {@code DEAD}. */
    FAILED,
    /** serf {@code leaving}: its leave intent seen, its leave not yet. */
    LEAVING,
    /** serf {@code left}; Grapevine {@code LEFT}. */
    LEFT;

    /**
     * @param status the {@code status} field of {@code serf members -format=json}
     * @return the common status
     */
    static MemberStatus ofSerf(String status) {
        return switch (status) {
            case "alive" -> ALIVE;
            case "failed" -> FAILED;
            case "leaving" -> LEAVING;
            case "left" -> LEFT;
            default -> throw new IllegalArgumentException("unknown serf member status '" + status + "'");
        };
    }

    /**
     * @param state a Grapevine member state
     * @return the common status
     */
    static MemberStatus ofGrapevine(MemberState state) {
        return switch (state) {
            case ALIVE -> ALIVE;
            case SUSPECT -> SUSPECT;
            case DEAD -> FAILED;
            case LEFT -> LEFT;
        };
    }
}
