package io.grapevine.interop;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls a condition until it holds or a deadline passes. The deadline is the assertion; the
 * poll interval only sets the resolution.
 */
final class Await {
    static final Duration POLL = Duration.ofMillis(200);

    private Await() {
    }

    /**
     * @param what    what is awaited, for the failure message
     * @param timeout the deadline
     * @param probe   reads the current value; an exception counts as "not yet" and is reported if
     *                the deadline passes
     * @param done    whether the value is the awaited one
     * @param <T>     the value's type
     * @return the awaited value
     * @throws AssertionError naming what was awaited and the last value seen
     */
    static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "nothing yet";
        while (true) {
            try {
                T value = probe.call();
                if (done.test(value)) {
                    return value;
                }
                last = value;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + timeout.toMillis() + " ms; last seen: " + last);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while awaiting " + what, e);
            }
        }
    }
}
