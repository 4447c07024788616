package io.grapevine.membership;

/**
 * The state of a member as this node currently believes it, in memberlist's terms.
 */
public enum MemberState {
    /** Answers probes, or was vouched for by a fresher alive message. */
    ALIVE,
    /** Missed a probe; will be declared {@link #DEAD} unless it refutes before the Lifeguard timeout. */
    SUSPECT,
    /** Declared failed (suspicion expired, or a peer said so); kept until reaped. */
    DEAD,
    /** Left gracefully (a dead message sent by the member about itself); kept until reaped. */
    LEFT;

    /** @return true for states whose members are still considered part of the cluster. */
    public boolean isLive() {
        return this == ALIVE || this == SUSPECT;
    }
}
