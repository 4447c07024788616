package io.grapevine.kv.internal;

import io.grapevine.membership.Member;
import io.grapevine.repair.RepairReport;
import io.grapevine.repair.Repairer;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Repair sessions this node starts on its own account, beside the {@code RepairScheduler}:
 * handing ranges over before leaving, comparing every range with every co-replica once a ring
 * change has settled, and repairing the ranges of writes that arrived routed by a different ring.
 * Adjacent ranges shared with the same peer are coalesced into one session, so a sync costs one
 * session per run of shared ranges, not one per ring partition.
 */
public final class RangeSync {
    private RangeSync() {
    }

    /** One session to run: a token range and the peer to compare it with. */
    public record Task(TokenRange range, Member peer) {
    }

    /**
     * What a batch of sessions did.
     *
     * @param sessions        sessions attempted
     * @param succeeded       sessions that completed
     * @param failed          sessions that failed after their retries
     * @param entriesSent     entries this node sent
     * @param entriesReceived entries this node received
     * @param millis          how long the batch took
     */
    public record Summary(int sessions, long succeeded, long failed, long entriesSent, long entriesReceived,
                          long millis) {
    }

    /**
     * Every range this node replicates, with every co-replica: runs of adjacent ranges shared
     * with a peer become one task.
     *
     * @param ring the ring
     * @param self this node's name
     * @return the tasks
     */
    public static List<Task> everyShared(RingSnapshot ring, String self) {
        List<Task> out = new ArrayList<>();
        Map<String, long[]> open = new LinkedHashMap<>();
        Map<String, Member> members = new LinkedHashMap<>();
        for (TokenRange r : ring.ranges()) {
            List<Member> replicas = ring.replicasFor(r);
            boolean mine = containsName(replicas, self);
            for (String peer : new ArrayList<>(open.keySet())) {
                long[] run = open.get(peer);
                if (!mine || run[1] != r.start() || !containsName(replicas, peer)) {
                    out.add(new Task(new TokenRange(run[0], run[1]), members.get(peer)));
                    open.remove(peer);
                }
            }
            if (!mine) {
                continue;
            }
            for (Member m : replicas) {
                if (m.name().equals(self)) {
                    continue;
                }
                members.put(m.name(), m);
                long[] run = open.get(m.name());
                if (run == null) {
                    open.put(m.name(), new long[] {r.start(), r.end()});
                } else {
                    run[1] = r.end();
                }
            }
        }
        open.forEach((peer, run) -> out.add(new Task(new TokenRange(run[0], run[1]), members.get(peer))));
        return out;
    }

    /**
     * The ranges whose replicas changed between two rings and that this node replicated before
     * or after, each with every replica of the later ring but this node: writes routed by the
     * earlier ring may sit on this node (a former or continuing replica) and not yet on a new one.
     *
     * @param before the ring at the last sync
     * @param after  the ring now
     * @param self   this node's name
     * @return the tasks
     */
    public static List<Task> moved(RingSnapshot before, RingSnapshot after, String self) {
        List<Task> out = new ArrayList<>();
        for (RangeMovement m : RingSnapshot.movements(before, after)) {
            if (!containsName(m.before(), self) && !containsName(m.after(), self)) {
                continue;
            }
            for (Member peer : m.after()) {
                if (!peer.name().equals(self)) {
                    out.add(new Task(m.range(), peer));
                }
            }
        }
        return out;
    }

    /**
     * The ranges holding some tokens, each with every replica of the ring but this node (which
     * need not be a replica itself: it may hold writes a lagging coordinator sent it).
     *
     * @param ring   the ring
     * @param self   this node's name
     * @param tokens tokens of keys
     * @return the tasks
     */
    public static List<Task> forTokens(RingSnapshot ring, String self, Collection<Long> tokens) {
        Set<TokenRange> ranges = new LinkedHashSet<>();
        List<TokenRange> all = ring.ranges();
        for (long t : tokens) {
            ranges.add(rangeContaining(all, t));
        }
        List<Task> out = new ArrayList<>();
        for (TokenRange r : ranges) {
            for (Member m : ring.replicasFor(r)) {
                if (!m.name().equals(self)) {
                    out.add(new Task(r, m));
                }
            }
        }
        return out;
    }

    /**
     * Handing over: every range this node replicates, with each member that gains it in the ring
     * without this node.
     *
     * @param ring the ring
     * @param self this node's name
     * @return the tasks
     */
    public static List<Task> handoff(RingSnapshot ring, String self) {
        List<Member> others = new ArrayList<>();
        for (Member m : ring.members()) {
            if (!m.name().equals(self)) {
                others.add(m);
            }
        }
        List<Task> out = new ArrayList<>();
        for (RangeMovement m : RingSnapshot.movements(ring, ring.update(others))) {
            if (containsName(m.losing(), self)) {
                m.gaining().forEach(g -> out.add(new Task(m.range(), g)));
            }
        }
        return out;
    }

    /**
     * Runs tasks, a few at a time, each retried with backoff.
     *
     * @param tasks       the sessions
     * @param peers       where repair servers listen
     * @param repairer    runs one session
     * @param reason      reported as the session's reason
     * @param concurrency sessions at once
     * @param attempts    tries per session
     * @return the summary once every session ended
     */
    public static Mono<Summary> run(List<Task> tasks, Peers peers, Repairer repairer, RepairReport.Reason reason,
                                    int concurrency, int attempts) {
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicLong received = new AtomicLong();
            return Flux.fromIterable(tasks)
                .flatMap(t -> {
                    InetSocketAddress to = peers.repair(t.peer());
                    if (to == null) {
                        failed.incrementAndGet();
                        return Mono.empty();
                    }
                    return Mono.defer(() -> repairer.repair(t.range(), to, t.peer().name(), reason))
                        .retryWhen(Retry.backoff(attempts - 1L, Duration.ofMillis(250)).maxBackoff(Duration.ofSeconds(5)))
                        .doOnNext(r -> {
                            ok.incrementAndGet();
                            sent.addAndGet(r.entriesSent());
                            received.addAndGet(r.entriesReceived());
                        })
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            return Mono.empty();
                        });
                }, concurrency)
                .then(Mono.fromSupplier(() -> new Summary(tasks.size(), ok.get(), failed.get(), sent.get(),
                    received.get(), (System.nanoTime() - t0) / 1_000_000)));
        });
    }

    /** @return the range of {@code sorted} (the ring's ranges, sorted by end) holding the token */
    static TokenRange rangeContaining(List<TokenRange> sorted, long token) {
        int lo = 0;
        int hi = sorted.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).end() >= token) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        TokenRange r = sorted.get(lo);
        return r.contains(token) ? r : sorted.get(0);
    }

    private static boolean containsName(List<Member> members, String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
