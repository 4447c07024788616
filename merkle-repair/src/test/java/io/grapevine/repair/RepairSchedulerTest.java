package io.grapevine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The scheduler's decisions, with a recording repairer and virtual time. */
class RepairSchedulerTest {
    private static final RingConfig RING = RingConfig.builder().replicationFactor(2).partitions(64).build();
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private RepairScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.dispose();
        }
        time.dispose();
    }

    private static Member member(String name) {
        return new Member(name, new InetSocketAddress("127.0.0.1", 7000 + name.hashCode() % 100),
                Map.of("repair", "127.0.0.1:1"), MemberState.ALIVE, 1);
    }

    private record Call(TokenRange range, String peer, RepairReport.Reason reason) {
    }

    private static RepairReport ok(TokenRange range, String peer, RepairReport.Reason reason) {
        return new RepairReport(range, peer, true, reason, "in-sync", 0, 0, 0, 10, 10, 1, Duration.ZERO, null);
    }

    @Test
    void aMemberThatGainsRangesRepairsThemFromTheirOtherReplicas() {
        List<Member> three = List.of(member("m1"), member("m2"), member("m3"));
        List<Member> four = new ArrayList<>(three);
        four.add(member("m4"));
        RingSnapshot before = RingSnapshot.of(three, RING);
        RingSnapshot after = RingSnapshot.of(four, RING);
        List<Call> calls = new CopyOnWriteArrayList<>();
        Sinks.Many<RingSnapshot> ring = Sinks.many().replay().latest();
        ring.tryEmitNext(before);
        scheduler = RepairScheduler.builder((r, a, p, why) -> {
            calls.add(new Call(r, p, why));
            return Mono.just(ok(r, p, why));
        }, "m4", m -> new InetSocketAddress("127.0.0.1", 1)).periodicInterval(Duration.ZERO).scheduler(time)
                .start(ring.asFlux());
        assertThat(calls).as("m4 is not in the first ring: nothing to gain").isEmpty();

        ring.tryEmitNext(after);

        Set<Call> expected = new HashSet<>();
        for (RangeMovement m : RingSnapshot.movements(before, after)) {
            if (m.gaining().stream().anyMatch(x -> x.name().equals("m4"))) {
                Set<String> sources = new HashSet<>();
                m.after().forEach(x -> sources.add(x.name()));
                m.before().forEach(x -> sources.add(x.name()));
                sources.remove("m4");
                sources.forEach(s -> expected.add(new Call(m.range(), s, RepairReport.Reason.RANGE_GAINED)));
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(new HashSet<>(calls)).isEqualTo(expected);
    }

    @Test
    void failedSessionsAreRetriedWithBackoffThenReported() {
        RingSnapshot ring = RingSnapshot.of(List.of(member("a"), member("b")), RING);
        AtomicInteger attempts = new AtomicInteger();
        List<RepairReport> reports = new CopyOnWriteArrayList<>();
        scheduler = RepairScheduler.builder((r, a, p, why) -> Mono.defer(() -> {
                    attempts.incrementAndGet();
                    return Mono.error(new RepairException("peer unreachable"));
                }), "a", m -> new InetSocketAddress("127.0.0.1", 1))
                .periodicInterval(Duration.ZERO).maxAttempts(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .concurrency(1).scheduler(time).start(Flux.never());
        scheduler.reports().subscribe(reports::add);
        scheduler.runPeriodicRoundOn(ring);

        assertThat(attempts.get()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(999));
        assertThat(attempts.get()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(attempts.get()).isEqualTo(2);
        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).ok()).isFalse();
        assertThat(reports.get(0).error()).contains("peer unreachable");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void thePeriodicRoundComparesEachSharedRunOnceFromTheLowerName() {
        RingSnapshot ring = RingSnapshot.of(List.of(member("a"), member("b"), member("c")), RING);
        List<Call> calls = new CopyOnWriteArrayList<>();
        Sinks.Many<RingSnapshot> snapshots = Sinks.many().replay().latest();
        snapshots.tryEmitNext(ring);
        scheduler = RepairScheduler.builder((r, a, p, why) -> {
            if (why == RepairReport.Reason.PERIODIC) {
                calls.add(new Call(r, p, why));
            }
            return Mono.just(ok(r, p, why));
        }, "b", m -> new InetSocketAddress("127.0.0.1", 1)).periodicInterval(Duration.ofMinutes(5)).scheduler(time)
                .start(snapshots.asFlux());
        assertThat(calls).isEmpty();

        time.advanceTimeBy(Duration.ofMinutes(5));

        assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(c.peer()).isEqualTo("c"));
        // Every range b shares with c is covered by exactly one periodic session.
        for (TokenRange r : ring.ranges()) {
            boolean shared = ring.replicasFor(r).stream().map(Member::name).toList().containsAll(List.of("b", "c"));
            long covering = calls.stream().filter(c -> c.range().contains(r)).count();
            assertThat(covering).as("range %s", r).isEqualTo(shared ? 1 : 0);
        }
        int firstRound = calls.size();
        time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(calls).hasSize(2 * firstRound);
    }
}
