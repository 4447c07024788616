package io.grapevine.kv.internal;

import io.grapevine.membership.Member;
import io.grapevine.repair.Entry;
import io.grapevine.ring.RingSnapshot;
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
 * going in the background); a read succeeds once {@code r} replicas answered.
 *
 * <p>A read first asks {@code r} replicas (this node first when it is one) and is done when they
 * hold the same version: with {@code w + r > RF} one of them holds the newest acknowledged write,
 * so agreement means both do. When one fails, says "absent" or disagrees, the read asks the
 * remaining replicas too, waits for every one (each bounded by the timeout) and returns the
 * newest, so one replica that has not caught up yet (a new owner being repaired) cannot hide a
 * write another holds. Once every replica has answered, those that were behind are sent the
 * newest entry (read repair).
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
            RingSnapshot snapshot = ring.get();
            List<Member> replicas = snapshot == null ? List.of() : snapshot.replicasFor(key);
            Version version = new Version(clock.now(), self);
            Entry entry = new Entry(key, value, version.encode());
            WriteTally tally = new WriteTally(names(replicas), w, version);
            if (replicas.size() < w) {
                return Mono.just(tally.outcome(false));
            }
            for (Member m : replicas) {
                writeTo(m, entry, snapshot.digest())
                    .subscribe(null, e -> tally.failed(m.name(), reason(e)), () -> tally.acked(m.name()));
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
            RingSnapshot snapshot = ring.get();
            List<Member> replicas = selfFirst(snapshot == null ? List.of() : snapshot.replicasFor(key));
            ReadTally tally = new ReadTally(names(replicas), r);
            if (replicas.size() < r) {
                return Mono.just(tally.outcome(false));
            }
            tally.onAllDone(() -> readRepair(replicas, tally, snapshot.digest()));
            tally.onExpand(() -> replicas.subList(r, replicas.size()).forEach(m -> ask(m, key, tally)));
            replicas.subList(0, r).forEach(m -> ask(m, key, tally));
            return tally.result();
        });
    }

    private void ask(Member m, byte[] key, ReadTally tally) {
        readFrom(m, key).map(Optional::of).defaultIfEmpty(Optional.empty())
            .subscribe(found -> tally.answered(m.name(), found.orElse(null)), e -> tally.failed(m.name(), reason(e)));
    }

    /** This node first when it is a replica (its answer costs no network hop), then ring order. */
    private List<Member> selfFirst(List<Member> replicas) {
        for (int i = 1; i < replicas.size(); i++) {
            if (replicas.get(i).name().equals(self)) {
                List<Member> out = new ArrayList<>(replicas.size());
                out.add(replicas.get(i));
                for (int j = 0; j < replicas.size(); j++) {
                    if (j != i) {
                        out.add(replicas.get(j));
                    }
                }
                return out;
            }
        }
        return replicas;
    }

    private void readRepair(List<Member> replicas, ReadTally tally, String digest) {
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
                writeTo(m, newest, digest).subscribe(null, e -> counters.readRepairFailures.incrementAndGet());
            }
        }
    }

    private Mono<Void> writeTo(Member m, Entry entry, String digest) {
        if (m.name().equals(self)) {
            return leaving.getAsBoolean()
                ? Mono.error(new ReplicaException("leaving: handing ranges over"))
                : store.write(entry).then();
        }
        String to = peers.httpUrl(m);
        if (to == null) {
            return Mono.error(new ReplicaException("publishes no HTTP address"));
        }
        return client.write(to, entry, digest);
    }

    private Mono<Entry> readFrom(Member m, byte[] key) {
        if (m.name().equals(self)) {
            return store.get(key);
        }
        String from = peers.httpUrl(m);
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
            finishedAll();
        }

        void failed(String name, String why) {
            failed.put(name, why);
            failures.incrementAndGet();
            finishedAll();
        }

        /**
         * Once w acknowledgements are out of reach the write has failed, but the answer waits for
         * every replica (each bounded by the timeout) so that it says exactly who acknowledged.
         */
        private void finishedAll() {
            if (acks.get() + failures.get() == replicas.size() && acks.get() < w) {
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

    /**
     * Collects the answers of one read, in two phases: first only {@code r} replicas are asked;
     * if they all hold the same version the read is decided without the others. Any failure,
     * absence or disagreement asks the remaining replicas too, and the read then waits for all of
     * them, returns the newest, and runs read repair once every answer is in.
     */
    private static final class ReadTally {
        private final List<String> replicas;
        private final int r;
        private final Map<String, Optional<Entry>> answers = new ConcurrentHashMap<>();
        private final Map<String, String> failed = new ConcurrentHashMap<>();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicBoolean decided = new AtomicBoolean();
        private final AtomicBoolean expanded = new AtomicBoolean();
        private final AtomicBoolean allDoneRan = new AtomicBoolean();
        private final Sinks.One<ReadOutcome> result = Sinks.one();
        private Runnable allDone = () -> { };
        private Runnable expand = () -> { };

        ReadTally(List<String> replicas, int r) {
            this.replicas = replicas;
            this.r = r;
        }

        void onAllDone(Runnable action) {
            this.allDone = action;
        }

        void onExpand(Runnable action) {
            this.expand = action;
        }

        void answered(String name, Entry entry) {
            answers.put(name, Optional.ofNullable(entry));
            done.incrementAndGet();
            evaluate();
        }

        void failed(String name, String why) {
            failed.put(name, why);
            done.incrementAndGet();
            evaluate();
        }

        private void evaluate() {
            if (!expanded.get()) {
                if (answers.size() == r && agreeOnStoredVersion()) {
                    decide(true); // the r asked agree: the others are not needed
                    return;
                }
                if (failed.isEmpty() && agreeSoFar()) {
                    return; // the first r are still answering
                }
                if (expanded.compareAndSet(false, true)) {
                    expand.run();
                }
            }
            if (done.get() == replicas.size()) {
                if (allDoneRan.compareAndSet(false, true)) {
                    decide(answers.size() >= r);
                    allDone.run();
                }
            } else if (failed.size() > replicas.size() - r) {
                decide(false);
            } else if (answers.size() >= r && agreeOnStoredVersion()) {
                decide(true);
            }
        }

        /** Whether the answers so far all hold an entry of one version (true with none yet). */
        private boolean agreeSoFar() {
            return answers.isEmpty() || agreeOnStoredVersion();
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
