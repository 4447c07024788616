package io.grapevine.membership.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings a peer can trigger, at most one per reason per interval: a hostile or broken peer
 * must not be able to flood the log. Lines held back are counted and the count is reported
 * with the next line for that reason. Lock-free: a race between two threads at the window's
 * edge lets exactly one of them log.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    /** Keyed by reason; reasons are constants of our code, so this stays small. */
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextAllowed;
        final AtomicLong suppressed = new AtomicLong();

        Window(long now) {
            nextAllowed = new AtomicLong(now);
        }
    }

    /**
     * @param log       where to log
     * @param interval  minimum time between two lines of one reason
     * @param nanoClock time in nanoseconds (the protocol passes its scheduler's clock)
     */
    public RateLimitedLog(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** @param log where to log, at most once per reason per 10 s of wall time */
    public RateLimitedLog(Logger log) {
        this(log, Duration.ofSeconds(10), System::nanoTime);
    }

    /**
     * Logs at warn unless this reason was logged within the interval.
     *
     * @param reason  the rate-limit key (a drop reason)
     * @param message SLF4J format for the arguments
     * @param args    the arguments
     * @return whether the line was written
     */
    public boolean warn(String reason, String message, Object... args) {
        long now = nanoClock.getAsLong();
        Window window = windows.computeIfAbsent(reason, r -> new Window(now));
        long next = window.nextAllowed.get();
        if (now - next < 0 || !window.nextAllowed.compareAndSet(next, now + intervalNanos)) {
            window.suppressed.incrementAndGet();
            return false;
        }
        if (log.isWarnEnabled()) {
            long held = window.suppressed.getAndSet(0);
            if (held == 0) {
                log.warn("[{}] " + message, prepend(reason, args));
            } else {
                Object[] all = Arrays.copyOf(prepend(reason, args), args.length + 2);
                all[all.length - 1] = held;
                log.warn("[{}] " + message + " ({} more like it held back)", all);
            }
        }
        return true;
    }

    private static Object[] prepend(String reason, Object[] args) {
        Object[] all = new Object[args.length + 1];
        all[0] = reason;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
