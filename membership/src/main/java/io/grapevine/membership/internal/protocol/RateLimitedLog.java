package io.grapevine.membership.internal.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs at most one warning per key per interval, so a peer that sends garbage cannot flood the
 * log; the suppressed count is reported with the next line.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final LongSupplier clock;
    private final long intervalMillis;
    private final Map<String, long[]> state = new HashMap<>();

    /**
     * @param log            where to log
     * @param clock          milliseconds
     * @param intervalMillis minimum time between two lines of one key
     */
    public RateLimitedLog(Logger log, LongSupplier clock, long intervalMillis) {
        this.log = log;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    /**
     * @param key    the kind of problem
     * @param format SLF4J format
     * @param args   arguments
     */
    public synchronized void warn(String key, String format, Object... args) {
        long now = clock.getAsLong();
        long[] s = state.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE / 2, 0});
        if (now - s[0] < intervalMillis) {
            s[1]++;
            return;
        }
        long suppressed = s[1];
        s[0] = now;
        s[1] = 0;
        if (log.isWarnEnabled()) {
            log.warn(format + (suppressed > 0 ? " (" + suppressed + " similar suppressed)" : ""), args);
        }
    }
}
