package io.grapevine.kv.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** A warning that peers or clients can trigger, logged at most once per interval (the rest are counted). */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param log      the logger
     * @param interval the least time between two lines
     */
    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * @param format an SLF4J format
     * @param args   its arguments
     */
    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            log.warn(skipped == 0 ? format : format + " (" + skipped + " similar suppressed)", args);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
