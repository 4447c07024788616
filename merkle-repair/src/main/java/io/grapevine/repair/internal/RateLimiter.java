package io.grapevine.repair.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A lock-free byte-rate limiter shared by all sessions of a node (a virtual clock of when the
 * link is next free, advanced by each frame's cost). Time and delays come from the injected
 * scheduler, so tests can drive it with virtual time.
 */
public final class RateLimiter {
    private final long bytesPerSecond;
    private final Scheduler scheduler;
    private final long burstNanos;
    private final AtomicLong nextFree = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param bytesPerSecond the rate, > 0
     * @param scheduler      clock and timer
     */
    public RateLimiter(long bytesPerSecond, Scheduler scheduler) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be > 0");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.scheduler = scheduler;
        this.burstNanos = TimeUnit.MILLISECONDS.toNanos(10);
    }

    /**
     * @param bytes the size about to be sent
     * @return completes when sending them keeps within the rate
     */
    public Mono<Void> acquire(long bytes) {
        return Mono.defer(() -> {
            long cost = (long) (bytes * 1e9 / bytesPerSecond);
            long now = scheduler.now(TimeUnit.NANOSECONDS);
            long start;
            long prev;
            do {
                prev = nextFree.get();
                start = Math.max(prev == Long.MIN_VALUE ? now : prev, now - burstNanos);
            } while (!nextFree.compareAndSet(prev, start + cost));
            long wait = start - now;
            return wait <= 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(wait), scheduler).then();
        });
    }
}
