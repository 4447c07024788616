package io.grapevine.bench.peers;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What every member of one cluster reported, timestamped by the harness ({@link System#nanoTime()})
 * as each line arrived. Written by the reader threads of the member processes, read by the run.
 */
final class ClusterLog {
    private static final long POLL_MILLIS = 20;
    private final int clusterSize;
    private final Map<String, Long> ready = new ConcurrentHashMap<>();
    private final Map<String, Long> sawEveryone = new ConcurrentHashMap<>();
    private final Map<String, Integer> alive = new ConcurrentHashMap<>();
    /** member reported failed -> observer -> first time. */
    private final Map<String, Map<String, Long>> failed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> suspicions = new ConcurrentHashMap<>();

    ClusterLog(int clusterSize) {
        this.clusterSize = clusterSize;
    }

    void ready(String observer, long nanos) {
        ready.putIfAbsent(observer, nanos);
    }

    void alive(String observer, int count, long nanos) {
        alive.put(observer, count);
        if (count >= clusterSize) {
            sawEveryone.putIfAbsent(observer, nanos);
        }
    }

    void failed(String observer, String member, long nanos) {
        failed.computeIfAbsent(member, m -> new ConcurrentHashMap<>()).putIfAbsent(observer, nanos);
    }

    void suspected(String member) {
        suspicions.computeIfAbsent(member, m -> new AtomicInteger()).incrementAndGet();
    }

    boolean allReady(Collection<String> observers) {
        return ready.keySet().containsAll(observers);
    }

    /** @return when the last of these observers first saw the whole cluster alive, if all have */
    OptionalLong converged(Collection<String> observers) {
        long last = Long.MIN_VALUE;
        for (String o : observers) {
            Long t = sawEveryone.get(o);
            if (t == null) {
                return OptionalLong.empty();
            }
            last = Math.max(last, t);
        }
        return OptionalLong.of(last);
    }

    /** @return when the last of these observers reported itself started, if all have */
    OptionalLong lastReady(Collection<String> observers) {
        return observers.stream().allMatch(ready::containsKey)
                ? OptionalLong.of(observers.stream().mapToLong(ready::get).max().orElseThrow())
                : OptionalLong.empty();
    }

    /** @return how many members each observer last reported alive, for error messages */
    Map<String, Integer> aliveCounts() {
        return Map.copyOf(alive);
    }

    /** @return observer -> first time it reported this member failed (or removed, or left) */
    Map<String, Long> failedReports(String member) {
        return Map.copyOf(failed.getOrDefault(member, Map.of()));
    }

    /** @return reports of a member failed although it was never killed: false positives */
    int falsePositives(Set<String> killed) {
        return failed.entrySet().stream()
                .filter(e -> !killed.contains(e.getKey()))
                .mapToInt(e -> e.getValue().size())
                .sum();
    }

    /** @return suspicions raised against members that were never killed */
    int suspicionsOfLive(Set<String> killed) {
        return suspicions.entrySet().stream()
                .filter(e -> !killed.contains(e.getKey()))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    /**
     * Polls a condition until it holds or the timeout passes.
     *
     * @return whether the condition held in time
     */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
