package io.grapevine.membership.internal.protocol;

import java.util.HashSet;
import java.util.Set;

/**
 * Lifeguard's suspicion timeout for one suspected member. It starts at {@code max} (or {@code min}
 * when no confirmations are expected) and shrinks towards {@code min} logarithmically with each
 * independent confirmation, so a member that many peers suspect is declared dead quickly, while
 * a single (possibly unhealthy) accuser has to wait long enough for a refutation.
 * Pure arithmetic: the caller owns the timer. Touched only on the protocol worker.
 */
public final class Suspicion {
    private final int expected;
    private final long minMillis;
    private final long maxMillis;
    private final long startMillis;
    private final Set<String> confirmers = new HashSet<>();
    private int confirmations;

    /**
     * @param from        who raised the suspicion (never counted as a confirmation)
     * @param expected    confirmations expected (k); below 1 the timeout is {@code min} at once
     * @param minMillis   the shortest timeout
     * @param maxMillis   the starting timeout
     * @param startMillis when the suspicion started, in scheduler time
     */
    public Suspicion(String from, int expected, long minMillis, long maxMillis, long startMillis) {
        this.expected = expected;
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.startMillis = startMillis;
        confirmers.add(from);
    }

    /**
     * Lifeguard's suspicion bounds for a cluster of {@code n} members.
     *
     * @param suspicionMult       the multiplier
     * @param n                   members known
     * @param probeIntervalMillis the probe interval
     * @return the minimum timeout in milliseconds: mult x max(1, log10 n) x interval
     */
    public static long minTimeoutMillis(int suspicionMult, int n, long probeIntervalMillis) {
        double nodeScale = Math.max(1.0, Math.log10(Math.max(1.0, n)));
        return (long) (suspicionMult * Math.floor(nodeScale * 1000) * probeIntervalMillis / 1000);
    }

    /**
     * Records a confirmation from another member.
     *
     * @param from the confirming member
     * @return true when it is new (the caller re-gossips it and re-arms the timer)
     */
    public boolean confirm(String from) {
        if (confirmations >= expected || !confirmers.add(from)) {
            return false;
        }
        confirmations++;
        return true;
    }

    /** @return the scheduler time at which the member is to be declared dead */
    public long deadline() {
        return startMillis + timeoutMillis();
    }

    /** @return the current total timeout, measured from the start */
    public long timeoutMillis() {
        if (expected < 1) {
            return minMillis;
        }
        double frac = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
        long raw = (long) Math.floor(maxMillis - frac * (maxMillis - minMillis));
        return Math.max(minMillis, raw);
    }

    /** @return independent confirmations so far */
    public int confirmations() {
        return confirmations;
    }
}
