package io.grapevine.kv.internal;

import io.grapevine.membership.Member;
import io.grapevine.repair.Entry;
import io.grapevine.ring.RingSnapshot;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Coordinates reads and writes of any key, Dynamo style: the key's replicas come from the current
 * ring; a write goes to all of them and succeeds once {@code w} acknowledged (the others keep
 * going in the background); a read asks all of them and succeeds once {@code r} answered.
 *
 * <p>A read decides early only when {@code r} answers agree on a stored version. When answers
 * disagree, or say "absent", it waits for every replica (each bounded by the timeout) and returns
 * the newest, so one replica that has not caught up yet (a new owner being repaired) cannot hide
 * a write another replica holds. Once every replica has answered, those that were behind are sent
 * the newest entry (read repair).
 */
public final class Coordinator {
    private final String self;
    private final LocalStore store;
    private final HybridClock clock;
    private final ReplicaClient client;
    private final Peers peers;
    private final Supplier<RingSnapshot> ring;
    private final Duration timeout;
    private final NodeCounters counters;
    private final BooleanSupplier leaving;

    /**
     * @param self     this node's name
     * @param store    this node's replica
     * @param clock    the node's clock (versions of new writes)
     * @param client   calls to other replicas
     * @param peers    members' HTTP addresses
     * @param ring     the current ring
     * @param timeout  how long one replica may take
     * @param counters where read repairs are counted
     * @param leaving  whether this node is handing its ranges over (its own replica then refuses
     *                 writes, as it does for other coordinators)
     */
    public Coordinator(String self, LocalStore store, HybridClock clock, ReplicaClient client, Peers peers,
                       Supplier<RingSnapshot> ring, Duration timeout, NodeCounters counters, BooleanSupplier leaving) {
        this.self = self;
        this.store = store;
        this.clock = clock;
        this.client = client;
        this.peers = peers;
        this.ring = ring;
        this.timeout = timeout;
        this.counters = counters;
        this.leaving = leaving;
    }

    /** @return the replicas of a key in the current ring, primary first (empty before the ring exists) */
    public List<Member> replicas(byte[] key) {
        RingSnapshot r = ring.get();
        return r == null ? List.of() : r.replicasFor(key);
    }

    /**
     * Writes (or deletes, with a null value) under a new version.
     *
     * @param key   the key
     * @param value the value, or null for a delete
     * @param w     acknowledgements required
     * @return the outcome, once decided
     */
    public Mono<WriteOutcome> write(byte[] key, byte[] value, int w) {
        return Mono.defer(() -> {
            List<Member> replicas = replicas(key);
            Version version = new Version(clock.now(), self);
            Entry entry = new Entry(key, value, version.encode());
            WriteTally tally = new WriteTally(names(replicas), w, version);
            if (replicas.size() < w) {
                return Mono.just(tally.outcome(false));
            }
            for (Member m : replicas) {
                writeTo(m, entry).subscribe(null, e -> tally.failed(m.name(), reason(e)), () -> tally.acked(m.name()));
            }
            return tally.result();
        });
    }

    /**
     * Reads the newest entry among the replicas' answers.
     *
     * @param key the key
     * @param r   answers required
     * @return the outcome, once decided
     */
    public Mono<ReadOutcome> read(byte[] key, int r) {
        return Mono.defer(() -> {
            List<Member> replicas = replicas(key);
            ReadTally tally = new ReadTally(names(replicas), r);
            if (replicas.size() < r) {
                return Mono.just(tally.outcome(false));
            }
            tally.onAllDone(() -> readRepair(replicas, tally));
            for (Member m : replicas) {
                readFrom(m, key).map(Optional::of).defaultIfEmpty(Optional.empty())
                    .subscribe(found -> tally.answered(m.name(), found.orElse(null)), e -> tally.failed(m.name(), reason(e)));
            }
            return tally.result();
        });
    }

    private void readRepair(List<Member> replicas, ReadTally tally) {
        Entry newest = tally.newest();
        if (newest == null) {
            return;
        }
        for (Member m : replicas) {
            if (!tally.answers.containsKey(m.name())) {
                continue; // failed: anti-entropy will catch it up
            }
            Entry had = tally.answers.get(m.name()).orElse(null);
            if (had == null || Version.compareEncoded(had.version(), newest.version()) < 0) {
                counters.readRepairs.incrementAndGet();
                writeTo(m, newest).subscribe(null, e -> counters.readRepairFailures.incrementAndGet());
            }
        }
    }

    private Mono<Void> writeTo(Member m, Entry entry) {
        if (m.name().equals(self)) {
            return leaving.getAsBoolean()
                ? Mono.error(new ReplicaException("leaving: handing ranges over"))
                : store.write(entry).then();
        }
        InetSocketAddress to = peers.http(m);
        if (to == null) {
            return Mono.error(new ReplicaException("publishes no HTTP address"));
        }
        return client.write(to, entry);
    }

    private Mono<Entry> readFrom(Member m, byte[] key) {
        if (m.name().equals(self)) {
            return store.get(key);
        }
        InetSocketAddress from = peers.http(m);
        if (from == null) {
            return Mono.error(new ReplicaException("publishes no HTTP address"));
        }
        return client.read(from, key).doOnNext(e -> clock.observe(Version.decode(e.version()).timestamp()));
    }

    private static List<String> names(List<Member> members) {
        List<String> names = new ArrayList<>(members.size());
        members.forEach(m -> names.add(m.name()));
        return List.copyOf(names);
    }

    private static String reason(Throwable e) {
        if (e instanceof TimeoutException) {
            return "timed out";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return msg == null ? root.getClass().getSimpleName() : msg;
    }

    /** Counts acknowledgements of one write; decides once. */
    private static final class WriteTally {
        private final List<String> replicas;
        private final int w;
        private final Version version;
        private final ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        private final Map<String, String> failed = new ConcurrentHashMap<>();
        private final AtomicInteger acks = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean decided = new AtomicBoolean();
        private final Sinks.One<WriteOutcome> result = Sinks.one();

        WriteTally(List<String> replicas, int w, Version version) {
            this.replicas = replicas;
            this.w = w;
            this.version = version;
        }

        void acked(String name) {
            acked.add(name);
            if (acks.incrementAndGet() == w) {
                decide(true);
            }
        }

        void failed(String name, String why) {
            failed.put(name, why);
            if (failures.incrementAndGet() == replicas.size() - w + 1) {
                decide(false);
            }
        }

        private void decide(boolean ok) {
            if (decided.compareAndSet(false, true)) {
                result.tryEmitValue(outcome(ok));
            }
        }

        WriteOutcome outcome(boolean ok) {
            return new WriteOutcome(ok, w, version, replicas, List.copyOf(acked), Map.copyOf(failed));
        }

        Mono<WriteOutcome> result() {
            return result.asMono();
        }
    }

    /** Collects the answers of one read; decides once, and runs read repair when all are in. */
    private static final class ReadTally {
        private final List<String> replicas;
        private final int r;
        private final Map<String, Optional<Entry>> answers = new ConcurrentHashMap<>();
        private final Map<String, String> failed = new ConcurrentHashMap<>();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicBoolean decided = new AtomicBoolean();
        private final Sinks.One<ReadOutcome> result = Sinks.one();
        private Runnable allDone = () -> { };

        ReadTally(List<String> replicas, int r) {
            this.replicas = replicas;
            this.r = r;
        }

        void onAllDone(Runnable action) {
            this.allDone = action;
        }

        void answered(String name, Entry entry) {
            answers.put(name, Optional.ofNullable(entry));
            finished();
        }

        void failed(String name, String why) {
            failed.put(name, why);
            finished();
        }

        private void finished() {
            int n = done.incrementAndGet();
            if (n == replicas.size()) {
                decide(answers.size() >= r);
                allDone.run();
            } else if (failed.size() > replicas.size() - r) {
                decide(false);
            } else if (answers.size() >= r && agreeOnStoredVersion()) {
                decide(true);
            }
        }

        /** Whether every answer so far holds an entry, all of the same version. */
        private boolean agreeOnStoredVersion() {
            byte[] first = null;
            for (Optional<Entry> a : answers.values()) {
                if (a.isEmpty()) {
                    return false;
                }
                byte[] v = a.get().version();
                if (first == null) {
                    first = v;
                } else if (Version.compareEncoded(first, v) != 0) {
                    return false;
                }
            }
            return first != null;
        }

        Entry newest() {
            Entry best = null;
            for (Optional<Entry> a : answers.values()) {
                if (a.isPresent() && (best == null || Version.compareEncoded(a.get().version(), best.version()) > 0)) {
                    best = a.get();
                }
            }
            return best;
        }

        private void decide(boolean ok) {
            if (decided.compareAndSet(false, true)) {
                result.tryEmitValue(outcome(ok));
            }
        }

        ReadOutcome outcome(boolean ok) {
            return new ReadOutcome(ok, r, ok ? newest() : null, replicas, List.copyOf(answers.keySet()),
                Map.copyOf(failed));
        }

        Mono<ReadOutcome> result() {
            return result.asMono();
        }
    }
}
