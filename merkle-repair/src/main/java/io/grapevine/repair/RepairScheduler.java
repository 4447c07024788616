package io.grapevine.repair;

import io.grapevine.membership.Member;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Decides which ranges to repair and with whom, driven by the ring:
 * <ul>
 *   <li>on every new {@link RingSnapshot}, {@link RingSnapshot#movements} between the previous and
 *       the new one: for each range this member gains, a session with each other replica of the
 *       range (and each former replica still in the ring), so the new replica catches up;</li>
 *   <li>every {@code periodicInterval}, a slow round over all ranges this member replicates, one
 *       session per (run of adjacent ranges, co-replica), started only by the member whose name
 *       sorts first so that each pair is compared once.</li>
 * </ul>
 * Failed sessions are retried with exponential backoff; a session that still fails is reported
 * and left for the next round. Time comes from the injected scheduler.
 */
public final class RepairScheduler implements Disposable {
    private static final Logger LOG = LoggerFactory.getLogger(RepairScheduler.class);

    private final Repairer repairer;
    private final String localName;
    private final Function<Member, InetSocketAddress> repairAddress;
    private final Duration periodicInterval;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final int concurrency;
    private final Scheduler scheduler;
    private final Sinks.Many<Task> tasks = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Many<RepairReport> reports = Sinks.many().multicast().directBestEffort();
    private final Set<Task> pending = ConcurrentHashMap.newKeySet();
    private final Disposable.Composite running = Disposables.composite();
    private final Counter gaveUp;
    private volatile RingSnapshot current;

    private RepairScheduler(Builder b) {
        this.repairer = b.repairer;
        this.localName = b.localName;
        this.repairAddress = b.repairAddress;
        this.periodicInterval = b.periodicInterval;
        this.maxAttempts = b.maxAttempts;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
        this.concurrency = b.concurrency;
        this.scheduler = b.scheduler;
        Gauge.builder("grapevine.repair.scheduler.pending", pending, Set::size).tag("node", localName)
                .register(b.meterRegistry);
        this.gaveUp = Counter.builder("grapevine.repair.scheduler.gave_up").tag("node", localName)
                .description("sessions that failed after every retry").register(b.meterRegistry);
    }

    /**
     * @param repairer      runs sessions (usually the node's {@link RepairService})
     * @param localName     this member's name
     * @param repairAddress where a member's repair server listens (e.g. read from a tag)
     * @return a builder
     */
    public static Builder builder(Repairer repairer, String localName, Function<Member, InetSocketAddress> repairAddress) {
        return new Builder(repairer, localName, repairAddress);
    }

    /** @return one report per task: the session's, or a failed one after the last retry */
    public Flux<RepairReport> reports() {
        return reports.asFlux();
    }

    /** @return (range, peer) pairs queued or running */
    public int pending() {
        return pending.size();
    }

    /** Runs one periodic round now (on top of the timer). */
    public void runPeriodicRound() {
        RingSnapshot s = current;
        if (s != null) {
            runPeriodicRoundOn(s);
        }
    }

    /** @param s the ring to run a periodic round on */
    void runPeriodicRoundOn(RingSnapshot s) {
        periodicTasks(s).forEach(this::enqueue);
    }

    @Override
    public void dispose() {
        running.dispose();
        tasks.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        reports.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    @Override
    public boolean isDisposed() {
        return running.isDisposed();
    }

    private RepairScheduler start(Flux<RingSnapshot> snapshots) {
        running.add(tasks.asFlux().flatMap(this::run, concurrency).subscribe(
                reports::tryEmitNext, e -> LOG.error("repair scheduler stopped", e)));
        running.add(snapshots.subscribe(this::onSnapshot, e -> LOG.error("ring snapshots failed", e)));
        if (!periodicInterval.isZero()) {
            running.add(Flux.interval(periodicInterval, periodicInterval, scheduler)
                    .subscribe(t -> runPeriodicRound()));
        }
        return this;
    }

    private void onSnapshot(RingSnapshot next) {
        RingSnapshot before = current;
        if (before == null) {
            before = RingSnapshot.of(List.of(), next.config());
        }
        current = next;
        for (RangeMovement m : RingSnapshot.movements(before, next)) {
            if (m.gaining().stream().noneMatch(x -> x.name().equals(localName))) {
                continue;
            }
            Map<String, Member> sources = new LinkedHashMap<>();
            for (Member x : m.after()) {
                sources.putIfAbsent(x.name(), x);
            }
            for (Member x : m.before()) {
                if (next.member(x.name()).isPresent()) {
                    sources.putIfAbsent(x.name(), x);
                }
            }
            sources.remove(localName);
            for (Member peer : sources.values()) {
                enqueue(new Task(m.range(), peer, RepairReport.Reason.RANGE_GAINED));
            }
        }
    }

    /** One task per (maximal run of adjacent ranges shared with a peer, peer), for peers sorting after us. */
    List<Task> periodicTasks(RingSnapshot s) {
        List<Task> out = new ArrayList<>();
        Map<String, long[]> open = new LinkedHashMap<>(); // peer -> {start, end}
        Map<String, Member> members = new LinkedHashMap<>();
        for (TokenRange r : s.ranges()) {
            List<Member> replicas = s.replicasFor(r);
            boolean mine = replicas.stream().anyMatch(x -> x.name().equals(localName));
            for (Map.Entry<String, long[]> e : new ArrayList<>(open.entrySet())) {
                boolean continues = mine && e.getValue()[1] == r.start()
                        && replicas.stream().anyMatch(x -> x.name().equals(e.getKey()));
                if (!continues) {
                    out.add(new Task(new TokenRange(e.getValue()[0], e.getValue()[1]), members.get(e.getKey()),
                            RepairReport.Reason.PERIODIC));
                    open.remove(e.getKey());
                }
            }
            if (!mine) {
                continue;
            }
            for (Member peer : replicas) {
                if (localName.compareTo(peer.name()) >= 0) {
                    continue;
                }
                members.put(peer.name(), peer);
                long[] run = open.get(peer.name());
                if (run == null) {
                    open.put(peer.name(), new long[] {r.start(), r.end()});
                } else {
                    run[1] = r.end();
                }
            }
        }
        open.forEach((name, run) -> out.add(new Task(new TokenRange(run[0], run[1]), members.get(name),
                RepairReport.Reason.PERIODIC)));
        return out;
    }

    private void enqueue(Task t) {
        if (pending.add(t)) {
            tasks.emitNext(t, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }
    }

    private Mono<RepairReport> run(Task t) {
        InetSocketAddress address = repairAddress.apply(t.peer());
        long t0 = scheduler.now(TimeUnit.MILLISECONDS);
        if (address == null) {
            pending.remove(t);
            return Mono.just(failed(t, t0, "no repair address for member " + t.peer().name()));
        }
        return Mono.defer(() -> repairer.repair(t.range(), address, t.peer().name(), t.reason()))
                .retryWhen(Retry.backoff(maxAttempts - 1L, firstBackoff).maxBackoff(maxBackoff).jitter(0)
                        .scheduler(scheduler).transientErrors(false))
                .onErrorResume(e -> {
                    gaveUp.increment();
                    Throwable cause = e.getCause() != null && !(e instanceof RepairException) ? e.getCause() : e;
                    LOG.warn("repair of {} with {} failed after {} attempts: {}", t.range(), t.peer().name(),
                            maxAttempts, cause.getMessage());
                    return Mono.just(failed(t, t0, String.valueOf(cause.getMessage())));
                })
                .doFinally(s -> pending.remove(t));
    }

    private RepairReport failed(Task t, long t0, String error) {
        Duration took = Duration.ofMillis(Math.max(0, scheduler.now(TimeUnit.MILLISECONDS) - t0));
        return new RepairReport(t.range(), t.peer().name(), true, t.reason(), "failed", 0, 0, 0, 0, 0, 0, took, error);
    }

    /** A (range, peer) pair to repair; equal tasks are queued once. */
    record Task(TokenRange range, Member peer, RepairReport.Reason reason) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Task t && t.range.equals(range) && t.peer.name().equals(peer.name());
        }

        @Override
        public int hashCode() {
            return range.hashCode() * 31 + peer.name().hashCode();
        }
    }

    /** Settings of a {@link RepairScheduler}. */
    public static final class Builder {
        private final Repairer repairer;
        private final String localName;
        private final Function<Member, InetSocketAddress> repairAddress;
        private Duration periodicInterval = Duration.ofMinutes(10);
        private int maxAttempts = 5;
        private Duration firstBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);
        private int concurrency = 2;
        private Scheduler scheduler = Schedulers.parallel();
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();

        private Builder(Repairer repairer, String localName, Function<Member, InetSocketAddress> repairAddress) {
            this.repairer = Objects.requireNonNull(repairer, "repairer");
            this.localName = Objects.requireNonNull(localName, "localName");
            this.repairAddress = Objects.requireNonNull(repairAddress, "repairAddress");
        }

        /** @param v time between periodic rounds, zero to disable (default 10 min) @return this */
        public Builder periodicInterval(Duration v) {
            if (v.isNegative()) {
                throw new IllegalArgumentException("periodicInterval must be >= 0");
            }
            this.periodicInterval = v;
            return this;
        }

        /** @param v attempts per session, 1..100 (default 5) @return this */
        public Builder maxAttempts(int v) {
            if (v < 1 || v > 100) {
                throw new IllegalArgumentException("maxAttempts must be 1..100");
            }
            this.maxAttempts = v;
            return this;
        }

        /**
         * @param first delay before the first retry (default 1 s)
         * @param max   largest delay (default 1 min)
         * @return this
         */
        public Builder backoff(Duration first, Duration max) {
            this.firstBackoff = Objects.requireNonNull(first, "first");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /** @param v sessions at once, 1..64 (default 2) @return this */
        public Builder concurrency(int v) {
            if (v < 1 || v > 64) {
                throw new IllegalArgumentException("concurrency must be 1..64");
            }
            this.concurrency = v;
            return this;
        }

        /** @param v source of time for rounds and backoff @return this */
        public Builder scheduler(Scheduler v) {
            this.scheduler = Objects.requireNonNull(v, "scheduler");
            return this;
        }

        /** @param v meter registry @return this */
        public Builder meterRegistry(MeterRegistry v) {
            this.meterRegistry = Objects.requireNonNull(v, "meterRegistry");
            return this;
        }

        /**
         * @param snapshots the ring, e.g. {@code TokenRing.snapshots()}
         * @return the running scheduler
         */
        public RepairScheduler start(Flux<RingSnapshot> snapshots) {
            return new RepairScheduler(this).start(snapshots);
        }
    }
}
