package io.grapevine.interop;

import java.time.Duration;

/**
 * The worst-case failure detection time under Lifeguard with the LAN settings that serf and
 * Grapevine both use by default. Tests assert detection within this bound and never anything
 * tighter: the figures themselves are measured, not asserted.
 *
 * <p>Worst case: the victim is last in every prober's round-robin, so {@code n - 1} probe
 * intervals pass before someone probes it; that probe (direct, indirect and TCP fallback) fails within one more
 * interval; the
 * suspicion then runs its full maximum timeout ({@code maxTimeoutMult x suspicionMult x
 * max(1, log10 n) x probeInterval}, no confirmations); then the dead message needs a few gossip
 * rounds to reach everyone.
 */
final class LifeguardBound {
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    static final int SUSPICION_MULT = 4;
    static final int SUSPICION_MAX_TIMEOUT_MULT = 6;
    static final Duration GOSSIP_INTERVAL = Duration.ofMillis(200);
    /** Gossip rounds allowed for the dead message to spread, plus the observers' poll interval. */
    static final int DISSEMINATION_ROUNDS = 10;

    private LifeguardBound() {
    }

    /**
     * @param n the cluster size the probers know, victim included
     * @return the time within which every survivor must report the victim failed
     */
    static Duration detection(int n) {
        double scale = Math.max(1.0, Math.log10(n));
        long suspicionMax = (long) (SUSPICION_MAX_TIMEOUT_MULT * SUSPICION_MULT * scale * PROBE_INTERVAL.toMillis());
        long probeReach = (n - 1L) * PROBE_INTERVAL.toMillis();
        long failedProbe = PROBE_INTERVAL.toMillis();
        long dissemination = DISSEMINATION_ROUNDS * GOSSIP_INTERVAL.toMillis() + Await.POLL.toMillis();
        return Duration.ofMillis(probeReach + failedProbe + suspicionMax + dissemination);
    }
}
