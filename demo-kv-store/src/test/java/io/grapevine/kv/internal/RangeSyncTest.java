package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.TokenRange;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSyncTest {
    private static final RingConfig CONFIG = RingConfig.builder().replicationFactor(3).partitions(256).build();

    private static List<Member> members(int n) {
        List<Member> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Member("n" + i, new InetSocketAddress("127.0.0.1", 7000 + i), Map.of(), MemberState.ALIVE, 1));
        }
        return out;
    }

    private static boolean has(List<Member> ms, String name) {
        return ms.stream().anyMatch(m -> m.name().equals(name));
    }

    @Test
    void everySharedCoversExactlyTheRangesSharedWithEachPeerInFewSessions() {
        RingSnapshot ring = RingSnapshot.of(members(5), CONFIG);
        List<RangeSync.Task> tasks = RangeSync.everyShared(ring, "n1");
        for (TokenRange r : ring.ranges()) {
            List<Member> replicas = ring.replicasFor(r);
            for (int p = 2; p <= 5; p++) {
                String peer = "n" + p;
                boolean shared = has(replicas, "n1") && has(replicas, peer);
                long covering = tasks.stream().filter(t -> t.peer().name().equals(peer) && t.range().contains(r)).count();
                assertThat(covering).as("range %s with %s", r, peer).isEqualTo(shared ? 1 : 0);
            }
        }
        long sharedPairs = ring.ranges().stream().mapToLong(r -> has(ring.replicasFor(r), "n1")
            ? ring.replicasFor(r).size() - 1 : 0).sum();
        assertThat(tasks.size()).as("adjacent shared ranges are coalesced").isLessThan((int) sharedPairs);
    }

    @Test
    void theRangeHoldingATokenIsFound() {
        RingSnapshot ring = RingSnapshot.of(members(5), CONFIG);
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            long token = i < 2 ? (i == 0 ? Long.MAX_VALUE : Long.MIN_VALUE + 1) : random.nextLong();
            TokenRange r = RangeSync.rangeContaining(ring.ranges(), token);
            assertThat(r.contains(token)).as("token %d in %s", token, r).isTrue();
            assertThat(ring.replicasFor(r)).isEqualTo(ring.replicasForToken(token));
        }
        List<RangeSync.Task> tasks = RangeSync.forTokens(ring, "n1", List.of(42L));
        assertThat(tasks).allSatisfy(t -> assertThat(t.range().contains(42L)).isTrue());
        assertThat(tasks.stream().map(t -> t.peer().name()).toList())
            .containsExactlyInAnyOrderElementsOf(ring.replicasForToken(42L).stream().map(Member::name)
                .filter(n -> !n.equals("n1")).toList());
    }

    @Test
    void handoffSendsEachRangeToTheMembersThatGainIt() {
        RingSnapshot ring = RingSnapshot.of(members(5), CONFIG);
        RingSnapshot without = RingSnapshot.of(members(5).subList(1, 5), CONFIG);
        List<RangeSync.Task> tasks = RangeSync.handoff(ring, "n1");
        assertThat(tasks).isNotEmpty();
        for (RangeSync.Task t : tasks) {
            assertThat(has(ring.replicasForToken(t.range().end()), "n1")).isTrue();
            assertThat(has(without.replicasForToken(t.range().end()), t.peer().name())).isTrue();
            assertThat(has(ring.replicasForToken(t.range().end()), t.peer().name())).isFalse();
        }
        for (TokenRange r : ring.rangesOf("n1")) {
            List<Member> gaining = without.replicasForToken(r.end()).stream()
                .filter(m -> !has(ring.replicasFor(r), m.name())).toList();
            for (Member g : gaining) {
                assertThat(tasks).anySatisfy(t -> {
                    assertThat(t.peer().name()).isEqualTo(g.name());
                    assertThat(t.range().contains(r.end())).isTrue();
                });
            }
        }
    }

    @Test
    void movedComparesOnlyRangesThatChangedAndInvolveThisNode() {
        RingSnapshot before = RingSnapshot.of(members(5), CONFIG);
        RingSnapshot after = RingSnapshot.of(members(5).subList(0, 4), CONFIG);
        List<RangeSync.Task> tasks = RangeSync.moved(before, after, "n1");
        List<RangeMovement> movements = RingSnapshot.movements(before, after);
        for (RangeSync.Task t : tasks) {
            assertThat(t.peer().name()).isNotEqualTo("n1");
            assertThat(movements).anySatisfy(m -> {
                assertThat(m.range()).isEqualTo(t.range());
                assertThat(has(m.before(), "n1") || has(m.after(), "n1")).isTrue();
                assertThat(has(m.after(), t.peer().name())).isTrue();
            });
        }
        assertThat(RangeSync.moved(after, after, "n1")).isEmpty();
    }
}
