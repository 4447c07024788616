package io.grapevine.kv;

/**
 * What a node did to hand its ranges over before leaving.
 *
 * @param sessions    (range, new replica) pairs to hand over
 * @param succeeded   sessions that completed
 * @param failed      sessions that failed (the new replica then catches up from the other replicas)
 * @param entriesSent entries sent to the new replicas
 * @param millis      how long the handoff took
 */
public record LeaveReport(int sessions, long succeeded, long failed, long entriesSent, long millis) {
}
