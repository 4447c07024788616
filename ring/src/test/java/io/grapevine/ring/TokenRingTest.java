package io.grapevine.ring;

import static io.grapevine.ring.TestMembers.cluster;
import static io.grapevine.ring.TestMembers.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.membership.MembershipView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class TokenRingTest {
    private static final RingConfig CONFIG = TestMembers.zoned(256);
    private static final RingConfig GRACE = CONFIG.toBuilder().failedGracePeriod(Duration.ofSeconds(30)).build();

    private final AtomicLong version = new AtomicLong();
    private final Sinks.Many<MembershipView> views = Sinks.many().replay().latest();

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    private MembershipView view(List<Member> members) {
        return new MembershipView("node-0", version.incrementAndGet(), members);
    }

    private void emit(List<Member> members) {
        views.tryEmitNext(view(members));
    }

    private static List<Member> with(List<Member> members, int index, MemberState state) {
        List<Member> copy = new ArrayList<>(members);
        copy.set(index, copy.get(index).withState(state));
        return copy;
    }

    private static boolean owns(RingSnapshot ring, String name) {
        return ring.member(name).isPresent();
    }

    @Test
    void emitsTheFirstViewsRingAndThenOnlyOwnershipChanges() {
        List<Member> members = cluster(6);
        StepVerifier.withVirtualTime(() -> {
            emit(members);
            return TokenRing.follow(views.asFlux(), CONFIG).snapshots();
        })
            .assertNext(ring -> assertThat(ring.digest()).isEqualTo(RingSnapshot.of(members, CONFIG).digest()))
            .then(() -> emit(with(members, 2, MemberState.SUSPECT))) // suspicion: nothing moves
            .then(() -> emit(members))                               // refuted
            .then(() -> emit(with(members, 2, MemberState.LEFT)))     // leaves: moves at once
            .assertNext(ring -> assertThat(owns(ring, "node-2")).isFalse())
            .then(views::tryEmitComplete)
            .verifyComplete();
    }

    @Test
    void replaysTheLatestSnapshotToLateSubscribersAndExposesIt() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        TokenRing ring = TokenRing.follow(views.asFlux(), CONFIG, vts);
        assertThat(ring.current()).isNull();
        emit(cluster(4));
        vts.advanceTime();
        List<Member> grown = cluster(5);
        emit(grown);
        vts.advanceTime();
        assertThat(ring.current().members()).hasSize(5);
        StepVerifier.create(ring.snapshots().take(1))
            .assertNext(s -> assertThat(s).isSameAs(ring.current()))
            .verifyComplete();
        ring.dispose();
        assertThat(ring.isDisposed()).isTrue();
        StepVerifier.create(ring.snapshots()).expectNextCount(1).verifyComplete();
    }

    /** Follows the views on a virtual clock and records each snapshot with the second it came. */
    private final class Recorder {
        final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        final List<Long> seconds = new ArrayList<>();
        final List<RingSnapshot> snapshots = new ArrayList<>();
        final TokenRing ring;

        Recorder(RingConfig config, List<Member> first) {
            emit(first);
            ring = TokenRing.follow(views.asFlux(), config, clock);
            ring.snapshots().subscribe(s -> {
                seconds.add(clock.now(java.util.concurrent.TimeUnit.SECONDS));
                snapshots.add(s);
            });
            clock.advanceTime();
        }

        void view(List<Member> members) {
            emit(members);
            clock.advanceTime();
        }

        void advance(Duration d) {
            clock.advanceTimeBy(d);
        }

        RingSnapshot last() {
            return snapshots.get(snapshots.size() - 1);
        }
    }

    @Test
    void aFailedMemberKeepsItsRangesForTheGracePeriod() {
        List<Member> members = cluster(6);
        Recorder r = new Recorder(GRACE, members);
        r.advance(Duration.ofSeconds(5));
        r.view(with(members, 4, MemberState.DEAD));
        r.advance(Duration.ofSeconds(29));
        assertThat(r.snapshots).hasSize(1);
        assertThat(owns(r.last(), "node-4")).isTrue();
        r.advance(Duration.ofSeconds(1));
        assertThat(r.seconds).containsExactly(0L, 35L);
        assertThat(owns(r.last(), "node-4")).isFalse();
        assertThat(r.last().digest()).isEqualTo(RingSnapshot.of(with(members, 4, MemberState.DEAD), GRACE).digest());
        assertThat(r.ring.current()).isSameAs(r.last());
    }

    @Test
    void aFailedMemberThatRecoversWithinTheGracePeriodMovesNothing() {
        List<Member> members = cluster(6);
        Recorder r = new Recorder(GRACE, members);
        r.view(with(members, 1, MemberState.DEAD));
        r.advance(Duration.ofSeconds(20));
        r.view(members);
        r.advance(Duration.ofMinutes(5));
        assertThat(r.snapshots).hasSize(1);
        r.view(with(members, 1, MemberState.DEAD)); // a later failure gets a fresh grace period
        r.advance(Duration.ofSeconds(30));
        assertThat(r.seconds).containsExactly(0L, 350L);
    }

    @Test
    void aMemberReapedDuringItsGraceKeepsItsRangesUntilTheGraceEnds() {
        List<Member> members = cluster(6);
        List<Member> reaped = new ArrayList<>(members);
        reaped.remove(5);
        Recorder r = new Recorder(GRACE, members);
        r.view(with(members, 5, MemberState.DEAD));
        r.advance(Duration.ofSeconds(10));
        r.view(reaped);
        r.advance(Duration.ofSeconds(19));
        assertThat(r.snapshots).hasSize(1);
        r.advance(Duration.ofSeconds(1));
        assertThat(r.seconds).containsExactly(0L, 30L);
        assertThat(owns(r.last(), "node-5")).isFalse();
    }

    @Test
    void aMemberThatWasNeverAnOwnerGetsNoGrace() {
        List<Member> members = cluster(6);
        Recorder r = new Recorder(GRACE, with(members, 2, MemberState.DEAD));
        assertThat(owns(r.last(), "node-2")).isFalse();
        r.view(with(members, 2, MemberState.DEAD));
        r.advance(Duration.ofMinutes(1));
        assertThat(r.snapshots).hasSize(1);
    }

    private void assertMovesAtOnce(RingConfig config, int index, MemberState state) {
        List<Member> members = cluster(6);
        Recorder r = new Recorder(config, members);
        r.advance(Duration.ofSeconds(3));
        r.view(with(members, index, state));
        assertThat(r.seconds).containsExactly(0L, 3L);
        assertThat(owns(r.last(), "node-" + index)).isFalse();
    }

    @Test
    void withoutGraceAFailedMemberMovesAtOnce() {
        assertMovesAtOnce(CONFIG, 0, MemberState.DEAD);
    }

    @Test
    void aLeftMemberMovesAtOnceEvenWithAGracePeriod() {
        assertMovesAtOnce(GRACE, 3, MemberState.LEFT);
    }

    @Test
    void suspicionFlapsEmitNothing() {
        List<Member> members = cluster(6);
        Recorder r = new Recorder(GRACE, members);
        for (int i = 0; i < 5; i++) {
            r.view(with(members, i, MemberState.SUSPECT));
            r.advance(Duration.ofSeconds(1));
            r.view(members);
        }
        assertThat(r.snapshots).hasSize(1);
    }

    @Test
    void anAddressChangeOfAnOwnerIsEmittedEvenThoughOwnershipIsTheSame() {
        List<Member> members = cluster(4);
        List<Member> moved = new ArrayList<>(members);
        Member m = moved.get(1);
        moved.set(1, new Member(m.name(), new java.net.InetSocketAddress("127.0.0.1", 9999), m.tags(), m.state(), m.incarnation() + 1));
        StepVerifier.withVirtualTime(() -> {
            emit(members);
            return TokenRing.follow(views.asFlux(), CONFIG).snapshots();
        })
            .expectNextCount(1)
            .then(() -> emit(moved))
            .assertNext(ring -> assertThat(ring.member("node-1")).get()
                .extracting(x -> x.address().getPort()).isEqualTo(9999))
            .then(views::tryEmitComplete)
            .verifyComplete();
    }

    @Test
    void anErrorOfTheViewsEndsTheSnapshots() {
        StepVerifier.withVirtualTime(() -> {
            emit(cluster(3));
            return TokenRing.follow(views.asFlux(), CONFIG).snapshots();
        })
            .expectNextCount(1)
            .then(() -> views.tryEmitError(new IllegalStateException("membership stopped")))
            .verifyErrorMessage("membership stopped");
    }

    @Test
    void untaggedMembersStillGetRanges() {
        List<Member> members = new ArrayList<>(cluster(3));
        members.add(member("plain", null));
        StepVerifier.withVirtualTime(() -> {
            emit(members);
            return TokenRing.follow(views.asFlux(), CONFIG).snapshots();
        })
            .assertNext(ring -> assertThat(ring.ownership("plain")).isPositive())
            .then(views::tryEmitComplete)
            .verifyComplete();
    }
}
