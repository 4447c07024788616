package io.grapevine.membership.internal.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory shared by the inbound stream buffers of one transport. Each message is bounded, but
 * hundreds of connections each dripping a message of the maximum size would still add up to
 * gigabytes; this caps the sum. Lock-free.
 */
final class ByteBudget {

    /** No cap: for replies to our own requests, whose number the protocol bounds. */
    static final ByteBudget UNLIMITED = new ByteBudget(Long.MAX_VALUE);

    private final AtomicLong available;

    ByteBudget(long bytes) {
        available = new AtomicLong(bytes);
    }

    /** @return whether {@code bytes} were taken; nothing is taken when they were not available */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = available.get();
            if (now < bytes) {
                return false;
            }
        } while (!available.compareAndSet(now, now - bytes));
        return true;
    }

    /** Gives back what {@link #tryReserve} took. */
    void release(long bytes) {
        available.addAndGet(bytes);
    }

    /** @return bytes not reserved */
    long available() {
        return available.get();
    }
}
