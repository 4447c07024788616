package io.grapevine.testkit;

import io.grapevine.membership.MembershipConfig;
import java.time.Duration;

/**
 * What SWIM and Lifeguard predict for a cluster of {@code n} members with given timings: the
 * yardstick that tests and the {@code simulate} benchmark hold measurements against.
 *
 * @param n                       members
 * @param probeInterval           protocol period T
 * @param suspicionMult           Lifeguard suspicion multiplier
 * @param suspicionMaxTimeoutMult ratio of the longest to the shortest suspicion timeout
 * @param gossipInterval          time between gossip rounds
 * @param gossipNodes             fan-out of a gossip round
 * @param pushPullInterval        base interval of the full-state sync (scaled above 32 members)
 */
public record LifeguardBounds(int n, Duration probeInterval, int suspicionMult, int suspicionMaxTimeoutMult,
                              Duration gossipInterval, int gossipNodes, Duration pushPullInterval) {

    /**
     * @param config the nodes' configuration
     * @param n      members
     * @return the bounds for those settings
     */
    public static LifeguardBounds of(MembershipConfig config, int n) {
        return new LifeguardBounds(n, config.probeInterval(), config.suspicionMult(),
                config.suspicionMaxTimeoutMult(), config.gossipInterval(), config.gossipNodes(),
                config.pushPullInterval());
    }

    /** @return Lifeguard's shortest suspicion timeout: mult x max(1, log10 n) x T (reached with enough confirmations) */
    public Duration suspicionMin() {
        double scale = Math.max(1.0, Math.log10(Math.max(1, n)));
        return Duration.ofMillis((long) (suspicionMult * Math.floor(scale * 1000) * probeInterval.toMillis() / 1000));
    }

    /** @return the longest suspicion timeout, with no confirmation: max mult x the shortest */
    public Duration suspicionMax() {
        return suspicionMin().multipliedBy(suspicionMaxTimeoutMult);
    }

    /**
     * SWIM's expected time from a crash to its first detection by some member: each period a
     * given member is picked by at least one of the others with probability 1 - (1 - 1/(n-1))^(n-1),
     * about 1 - e^-1, so the expectation is T / (1 - e^-1), about 1.58 T.
     *
     * @return the expected time to the first suspicion
     */
    public Duration expectedFirstDetection() {
        return Duration.ofNanos((long) (probeInterval.toNanos() / (1 - escapeProbability())));
    }

    /**
     * A quantile of the time to first detection in SWIM's model: the crashed member escapes
     * every probe of a period with probability q = (1 - 1/(n-1))^(n-1), so it is still undetected
     * after k periods with probability q^k.
     *
     * @param p the quantile, in (0, 1)
     * @return the time by which it is detected with probability p: ceil(ln(1 - p) / ln q) periods
     */
    public Duration firstDetectionQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), was " + p);
        }
        double q = escapeProbability();
        long periods = q <= 0 ? 1 : Math.max(1, (long) Math.ceil(Math.log(1 - p) / Math.log(q)));
        return probeInterval.multipliedBy(periods);
    }

    /**
     * SWIM's expected time to first detection counted from the crash itself, as a measurement
     * sees it, rather than from the start of the next protocol period: a crash at a uniformly
     * random moment waits T/2 on average for the first period whose probes can find it (the
     * probes of the current period were answered before the crash), so the expectation is
     * T/2 + T / (1 - e^-1), about 2.08 T.
     *
     * @return the expected time from the crash instant to the first suspicion
     */
    public Duration expectedFirstDetectionFromCrash() {
        return probeInterval.dividedBy(2).plus(expectedFirstDetection());
    }

    /**
     * A quantile of {@link #expectedFirstDetectionFromCrash()}'s distribution: the time to the
     * next period boundary, uniform in [0, T), plus whole periods until the first one whose probes
     * pick the crashed member (geometric, as in {@link #firstDetectionQuantile(double)}).
     *
     * @param p the quantile, in (0, 1)
     * @return the time from the crash by which it is detected with probability p
     */
    public Duration firstDetectionFromCrashQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), was " + p);
        }
        double q = escapeProbability();
        double lo = 0;
        double hi = 2;
        while (detectedFromCrashBy(hi, q) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (detectedFromCrashBy(mid, q) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Duration.ofNanos((long) (hi * probeInterval.toNanos()));
    }

    /** P(detected within x periods of the crash) = sum over g >= 1 of P(G = g) P(U <= x - g), U uniform in [0, 1). */
    private static double detectedFromCrashBy(double x, double q) {
        double sum = 0;
        double pg = 1 - q;
        for (int g = 1; g < x && pg > 1e-18; g++) {
            sum += pg * Math.min(1, x - g);
            pg *= q;
        }
        return sum;
    }

    /** @return the probability that a member escapes every probe of one period: (1 - 1/(n-1))^(n-1) */
    private double escapeProbability() {
        double others = Math.max(1, n - 1);
        return Math.pow(1 - 1 / others, others);
    }

    /**
     * Rounds a rumour needs to reach all of {@code n} members when each informed member tells
     * {@code f} random others per round (push gossip): log_(1+f) n + ln(n) / f.
     *
     * @return the expected number of gossip rounds
     */
    public double expectedDisseminationRounds() {
        double f = Math.max(1, gossipNodes);
        return Math.log(n) / Math.log(1 + f) + Math.log(n) / f;
    }

    /** @return the expected time for news to reach every member, in gossip rounds of the gossip interval */
    public Duration expectedDissemination() {
        return Duration.ofNanos((long) (expectedDisseminationRounds() * gossipInterval.toNanos()));
    }

    /**
     * @return the expected time from a crash until every member holds it failed: first detection,
     *         then the shortest suspicion timeout (the suspecters confirm one another), then dissemination
     */
    public Duration expectedFailedEverywhere() {
        return expectedFirstDetection().plus(suspicionMin()).plus(expectedDissemination());
    }

    /**
     * A hard bound on crash-to-failed-everywhere: SWIM's time-bounded completeness with round-robin
     * probing (some member probes the crashed one within 2n - 1 periods, and the probe takes one
     * more), Lifeguard's longest suspicion timeout, and the periodic push/pull as the backstop of
     * dissemination.
     *
     * @return the bound
     */
    public Duration failedEverywhereBound() {
        return probeInterval.multipliedBy(2L * n).plus(suspicionMax()).plus(scaledPushPullInterval());
    }

    /** @return the periodic push/pull interval at this size: scaled by ceil(log2 n - 5) + 1 above 32 members */
    public Duration scaledPushPullInterval() {
        if (n <= 32) {
            return pushPullInterval;
        }
        double mult = Math.ceil(Math.log(n) / Math.log(2) - 5) + 1;
        return Duration.ofMillis((long) (pushPullInterval.toMillis() * mult));
    }
}
