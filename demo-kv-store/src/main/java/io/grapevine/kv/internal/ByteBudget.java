package io.grapevine.kv.internal;

import java.util.concurrent.atomic.AtomicLong;

/** A shared allowance of bytes (request bodies in memory); callers take and give back. */
final class ByteBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long max) {
        this.max = max;
    }

    /** @return whether {@code n} bytes were taken (never more than the allowance in total) */
    boolean tryTake(long n) {
        while (true) {
            long u = used.get();
            if (u + n > max) {
                return false;
            }
            if (used.compareAndSet(u, u + n)) {
                return true;
            }
        }
    }

    void giveBack(long n) {
        used.addAndGet(-n);
    }
}
