package io.grapevine.membership.internal.protocol;

import java.time.Duration;

/**
 * Lifeguard's local health score: how much this node should distrust its own view. Failed
 * probes, missing nacks and refutations raise it; successful probes lower it. Timeouts scale by
 * {@code score + 1}, so an overloaded node slows its failure detector instead of accusing
 * healthy peers. Touched only on the protocol worker.
 */
public final class Awareness {
    private final int max;
    private int score;

    /** @param maxMultiplier the ceiling of the multiplier; the score ranges over 0..max-1 */
    public Awareness(int maxMultiplier) {
        this.max = maxMultiplier;
    }

    /** @param delta change to apply; the score is clamped to its range */
    public void apply(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    /** @return the current score, 0 meaning healthy */
    public int score() {
        return score;
    }

    /**
     * @param timeout a base timeout
     * @return the timeout scaled by the current health
     */
    public Duration scale(Duration timeout) {
        return timeout.multipliedBy(score + 1L);
    }
}
