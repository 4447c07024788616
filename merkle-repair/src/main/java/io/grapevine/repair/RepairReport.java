package io.grapevine.repair;

import io.grapevine.ring.TokenRange;
import java.time.Duration;

/**
 * The outcome of one repair session, from the point of view of the node that reports it.
 *
 * @param range           the token range compared
 * @param peer            the other replica (member name when known, else its address)
 * @param initiator       whether this node dialled the peer
 * @param reason          why the session ran
 * @param mode            {@code in-sync}, {@code descend}, {@code send-all} or {@code receive-all}
 * @param differences     keys whose entries differed between the replicas
 * @param entriesSent     entries this node sent
 * @param entriesReceived entries this node received and merged
 * @param bytesSent       bytes this node wrote (frames with their headers)
 * @param bytesReceived   bytes this node read
 * @param roundTrips      turns this node sent; for the initiator, the round trips of the session
 * @param duration        from dialling (or accepting) to the end
 * @param error           why the session failed, or {@code null} when it succeeded
 */
public record RepairReport(TokenRange range, String peer, boolean initiator, Reason reason, String mode,
                           long differences, long entriesSent, long entriesReceived, long bytesSent,
                           long bytesReceived, int roundTrips, Duration duration, String error) {

    /** Why a session ran. */
    public enum Reason {
        /** Requested through {@link RepairService#repair}. */
        MANUAL,
        /** This node gained the range in a ring change. */
        RANGE_GAINED,
        /** The slow periodic round over all ranges. */
        PERIODIC,
        /** Another node dialled this one. */
        INBOUND
    }

    /** @return whether the session completed */
    public boolean ok() {
        return error == null;
    }
}
