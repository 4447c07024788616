package io.grapevine.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How long each surviving member took to report a SIGKILLed victim as failed, timed from the
 * moment the victim's process was gone. Every observer is polled on its own thread every
 * {@link #POLL} (serf agents through {@code serf members}, Grapevine nodes through their view),
 * so each figure is exact to within one poll.
 *
 * @param victim     the killed member
 * @param kind       {@code serf} or {@code grapevine}
 * @param byObserver per survivor, the time until it reported the victim failed
 */
record Detection(String victim, String kind, Map<String, Duration> byObserver) {
    static final Duration POLL = Duration.ofMillis(100);

    /**
     * Kills the victim and times every observer.
     *
     * @param victim    the member to kill
     * @param kind      what the victim is, for the report
     * @param kill      kills it hard; returns once the process is gone
     * @param observers the survivors
     * @param bound     how long an observer may take before the measurement fails
     * @return the figures
     * @throws AssertionError when some observer does not report the failure within the bound
     */
    static Detection measure(String victim, String kind, Runnable kill, List<ClusterObserver> observers, Duration bound)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(observers.size());
        try {
            kill.run();
            long killedAt = System.nanoTime();
            Map<String, Future<Duration>> pending = new LinkedHashMap<>();
            for (ClusterObserver o : observers) {
                pending.put(o.name(), pool.submit(() -> timeUntilFailed(o, victim, killedAt, bound)));
            }
            Map<String, Duration> times = new LinkedHashMap<>();
            List<String> errors = new ArrayList<>();
            for (Map.Entry<String, Future<Duration>> e : pending.entrySet()) {
                try {
                    times.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException failed) {
                    errors.add(e.getKey() + ": " + failed.getCause().getMessage());
                }
            }
            if (!errors.isEmpty()) {
                throw new AssertionError("SIGKILLed " + kind + " " + victim + " not reported failed within the Lifeguard bound "
                        + bound.toMillis() + " ms by every survivor: " + errors + "; the others took " + times);
            }
            return new Detection(victim, kind, times);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Duration timeUntilFailed(ClusterObserver o, String victim, long killedAt, Duration bound)
            throws Exception {
        long deadline = killedAt + bound.toNanos();
        Object last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                MemberStatus s = o.view().get(victim);
                if (s == MemberStatus.FAILED) {
                    return Duration.ofNanos(System.nanoTime() - killedAt);
                }
                last = s;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError(o.name() + " still reports " + victim + " as " + last);
    }

    /** @return the observer that reported first */
    Map.Entry<String, Duration> first() {
        return byObserver.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
    }

    /** @return the observer that reported last: from then on every survivor agrees */
    Map.Entry<String, Duration> last() {
        return byObserver.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    }
}
