package io.grapevine.bench.peers;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * What every member of one cluster reported, timestamped by the harness ({@link System#nanoTime()})
 * as each line arrived. Written by the reader threads of the member processes, read by the run.
 */
final class ClusterLog {
    private static final long POLL_MILLIS = 20;
    private final List<String> members;
    private final Map<String, Long> ready = new ConcurrentHashMap<>();
    private final Map<String, Integer> alive = new ConcurrentHashMap<>();
    private volatile long convergedAt;
    private volatile boolean converged;
    /** member reported failed -> observer -> first time since the member was killed. */
    private final Map<String, Map<String, Long>> failed = new ConcurrentHashMap<>();
    /** Every report of a member failed, removed or left, in arrival order. */
    private final Queue<Report> reports = new ConcurrentLinkedQueue<>();
    /** member suspected -> the last time anyone reported suspecting it. */
    private final Map<String, Long> lastSuspected = new ConcurrentHashMap<>();
    /** killed member -> the first suspicion of it reported after the kill. */
    private final Map<String, Long> suspectedAfterKill = new ConcurrentHashMap<>();
    /** killed member -> when. */
    private final Map<String, Long> killedAt = new ConcurrentHashMap<>();

    private record Report(String member, long nanos) {
    }

    ClusterLog(List<String> members) {
        this.members = List.copyOf(members);
    }

    void ready(String observer, long nanos) {
        ready.putIfAbsent(observer, nanos);
    }

    synchronized void alive(String observer, int count, long nanos) {
        alive.put(observer, count);
        if (!converged && count == members.size()
                && members.stream().allMatch(m -> alive.getOrDefault(m, 0) == members.size())) {
            convergedAt = nanos;
            converged = true;
        }
    }

    void failed(String observer, String member, long nanos) {
        reports.add(new Report(member, nanos));
        if (killedAt.containsKey(member)) {
            failed.computeIfAbsent(member, m -> new ConcurrentHashMap<>()).putIfAbsent(observer, nanos);
        }
    }

    void suspected(String member, long nanos) {
        lastSuspected.merge(member, nanos, Math::max);
        if (killedAt.containsKey(member)) {
            suspectedAfterKill.putIfAbsent(member, nanos);
        }
    }

    boolean allReady(Collection<String> observers) {
        return ready.keySet().containsAll(observers);
    }

    /** @return the first moment every member reported every member alive at once, if it came */
    OptionalLong converged() {
        return converged ? OptionalLong.of(convergedAt) : OptionalLong.empty();
    }

    /**
     * Called just before a member is killed: only reports from now on time the detection;
     * whoever reported it failed before was wrong.
     */
    void killing(String member, long nanos) {
        killedAt.put(member, nanos);
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

    /** @return the first suspicion of a killed member reported after its kill, if any came */
    OptionalLong suspectedAfterKill(String member) {
        Long t = suspectedAfterKill.get(member);
        return t == null ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /**
     * @param from first moment counted
     * @param to   first moment not counted
     * @return reports, arrived in [from, to), of a member failed while it was still running
     */
    int falsePositives(long from, long to) {
        return (int) reports.stream()
                .filter(r -> r.nanos() - from >= 0 && r.nanos() - to < 0)
                .filter(r -> !killedAt.containsKey(r.member()) || r.nanos() - killedAt.get(r.member()) < 0)
                .count();
    }

    /**
     * Counts members rather than reports: serf logs a suspicion only where the failed probe ran,
     * Grapevine reports it on every member that hears it, so only "who was suspected" compares.
     *
     * @return how many never-killed members were suspected by anyone after that time
     */
    int liveSuspectedAfter(long nanos) {
        return (int) lastSuspected.entrySet().stream()
                .filter(e -> !killedAt.containsKey(e.getKey()) && e.getValue() - nanos > 0)
                .count();
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
