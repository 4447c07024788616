package io.grapevine.kv;

/**
 * Repair figures of one node since it started, as {@code GET /stats} shows them under
 * {@code "repair"}.
 *
 * @param sessions        sessions run, both roles (this node dialled, or was dialled)
 * @param failedSessions  sessions that failed (each retry counts)
 * @param gaveUp          ranges the scheduler gave up on after its last retry (until the next round)
 * @param inSync          sessions that found both replicas equal at the root hash
 * @param differences     keys that differed between the replicas
 * @param entriesSent     entries sent to peers
 * @param entriesReceived entries received and merged here
 * @param bytesSent       bytes sent
 * @param bytesReceived   bytes received
 * @param byReason        sessions by why they ran
 * @param pending         (range, peer) sessions queued or running now
 * @param last            the latest session, or null
 */
public record RepairStats(long sessions, long failedSessions, long gaveUp, long inSync, long differences,
                          long entriesSent, long entriesReceived, long bytesSent, long bytesReceived,
                          Reasons byReason, int pending, Last last) {

    /**
     * Sessions by why they ran.
     *
     * @param rangeGained this node gained ranges in a ring change (or started)
     * @param periodic    the periodic round
     * @param inbound     another node started it
     * @param manual      explicit, such as handing ranges over on leave
     */
    public record Reasons(long rangeGained, long periodic, long inbound, long manual) {
    }

    /**
     * The latest session.
     *
     * @param atMillis        when it ended (wall clock, ms since the epoch)
     * @param range           its token range
     * @param peer            the other replica
     * @param reason          why it ran
     * @param mode            how it went ({@code in-sync}, {@code descend}, {@code send-all}, ...)
     * @param differences     keys that differed
     * @param entriesSent     entries sent
     * @param entriesReceived entries received
     * @param millis          how long it took
     * @param error           why it failed, or null
     */
    public record Last(long atMillis, String range, String peer, String reason, String mode, long differences,
                       long entriesSent, long entriesReceived, long millis, String error) {
    }
}
