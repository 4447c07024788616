package io.grapevine.kv.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: 64-bit timestamps whose top 48 bits are wall-clock milliseconds and low
 * 16 bits a logical counter. Every timestamp it hands out is greater than every one it handed out
 * or observed before, so a write coordinated here after this node saw version {@code v} (a read,
 * a replica write, a repair) always gets a newer version than {@code v}, even when the wall clock
 * lags another node's. Timestamps from further than {@link #MAX_AHEAD_MILLIS} in the future are
 * not observed, so one node with a broken clock cannot drag every other clock along.
 */
public final class HybridClock {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    /** How far ahead of the local wall clock an observed timestamp may be and still be adopted. */
    public static final long MAX_AHEAD_MILLIS = 60_000;

    private final LongSupplier wallMillis;
    private final AtomicLong last = new AtomicLong();

    /** @param wallMillis the wall clock in milliseconds since the epoch */
    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /** @return a clock on {@link System#currentTimeMillis()} */
    public static HybridClock system() {
        return new HybridClock(System::currentTimeMillis);
    }

    /** @return a timestamp greater than any handed out or observed before */
    public long now() {
        long physical = wallMillis.getAsLong() << LOGICAL_BITS;
        while (true) {
            long prev = last.get();
            long next = Math.max(prev + 1, physical);
            if (last.compareAndSet(prev, next)) {
                return next;
            }
        }
    }

    /**
     * Moves the clock past a timestamp seen elsewhere (unless it is implausibly far ahead).
     *
     * @param timestamp a hybrid timestamp from another node
     * @return whether it was adopted (false when it was in the past or too far ahead)
     */
    public boolean observe(long timestamp) {
        if (physicalMillis(timestamp) > wallMillis.getAsLong() + MAX_AHEAD_MILLIS) {
            return false;
        }
        while (true) {
            long prev = last.get();
            if (timestamp <= prev) {
                return false;
            }
            if (last.compareAndSet(prev, timestamp)) {
                return true;
            }
        }
    }

    /** @return the wall clock in milliseconds (the clock purges and timeouts use) */
    public long wallMillis() {
        return wallMillis.getAsLong();
    }

    /**
     * @param timestamp a hybrid timestamp
     * @return its wall-clock part in milliseconds since the epoch
     */
    public static long physicalMillis(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    /**
     * @param timestamp a hybrid timestamp
     * @return its logical counter
     */
    public static int logical(long timestamp) {
        return (int) (timestamp & ((1L << LOGICAL_BITS) - 1));
    }
}
