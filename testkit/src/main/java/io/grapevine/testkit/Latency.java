package io.grapevine.testkit;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * One-way delay of a simulated message, drawn from the cluster's seeded randomness so that a
 * seed fixes every delay. Different delays reorder messages, as a real network does.
 */
@FunctionalInterface
public interface Latency {

    /**
     * @param random the network's seeded randomness (use nothing else, or runs stop repeating)
     * @return the delay of one message in nanoseconds, zero or more
     */
    long sampleNanos(RandomGenerator random);

    /**
     * @param delay the delay of every message
     * @return a constant delay
     */
    static Latency fixed(Duration delay) {
        long nanos = nonNegative(delay, "delay");
        return random -> nanos;
    }

    /**
     * @param min shortest delay
     * @param max longest delay
     * @return a delay uniformly distributed in [min, max]
     */
    static Latency uniform(Duration min, Duration max) {
        long lo = nonNegative(min, "min");
        long hi = nonNegative(max, "max");
        if (hi < lo) {
            throw new IllegalArgumentException("max latency " + max + " is below min " + min);
        }
        return random -> lo == hi ? lo : lo + random.nextLong(hi - lo + 1);
    }

    /**
     * A long tail: a base delay plus an exponentially distributed extra, as queues add.
     *
     * @param base    the least delay
     * @param meanTail mean of the extra delay
     * @return the distribution
     */
    static Latency exponentialTail(Duration base, Duration meanTail) {
        long b = nonNegative(base, "base");
        double mean = nonNegative(meanTail, "meanTail");
        return random -> b + (long) (-mean * Math.log(1.0 - random.nextDouble()));
    }

    /** @return a switched LAN: 100 to 500 microseconds */
    static Latency lan() {
        return uniform(Duration.ofNanos(100_000), Duration.ofNanos(500_000));
    }

    /** @return a wide-area link: 20 to 80 milliseconds */
    static Latency wan() {
        return uniform(Duration.ofMillis(20), Duration.ofMillis(80));
    }

    /** @return one host: 10 to 50 microseconds */
    static Latency local() {
        return uniform(Duration.ofNanos(10_000), Duration.ofNanos(50_000));
    }

    private static long nonNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be a non-negative duration, was " + d);
        }
        return d.toNanos();
    }
}
