package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.junit.jupiter.api.Test;

/** The ring as the dashboard draws it: positions on the circle, slots, movements. */
class RingLayoutTest {

    private static List<Member> members(int n) {
        List<Member> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Member("n" + i, new InetSocketAddress("127.0.0.1", 7000 + i), Map.of(), MemberState.ALIVE, 1));
        }
        return out;
    }

    private static RingSnapshot ring(int members, int partitions) {
        return RingSnapshot.of(members(members), RingConfig.builder().replicationFactor(3).partitions(partitions).build());
    }

    @Test
    void positionsRunClockwiseFromTheBottomOfTheTokenSpace() {
        assertThat(RingLayout.position(Long.MIN_VALUE)).isZero();
        assertThat(RingLayout.position(0)).isEqualTo(0.5);
        assertThat(RingLayout.position(Long.MAX_VALUE)).isCloseTo(1.0, within(1e-12));
        assertThat(RingLayout.from(TokenRange.FULL)).isZero();
        assertThat(RingLayout.to(TokenRange.FULL)).isEqualTo(1.0);
        // the first range of a ring starts at MAX_VALUE (exclusive), i.e. wraps to hold MIN_VALUE
        TokenRange firstQuarter = new TokenRange(Long.MAX_VALUE, Long.MIN_VALUE / 2 - 1);
        assertThat(RingLayout.from(firstQuarter)).isZero();
        assertThat(RingLayout.to(firstQuarter)).isEqualTo(0.25);
        TokenRange lastQuarter = new TokenRange(Long.MAX_VALUE / 2, Long.MAX_VALUE);
        assertThat(RingLayout.from(lastQuarter)).isCloseTo(0.75, within(1e-12));
        assertThat(RingLayout.to(lastQuarter)).isEqualTo(1.0);
    }

    @Test
    void eachSlotHoldsTheReplicasOfTheRangeItLiesIn() {
        RingSnapshot ring = ring(5, 256);
        List<String> owners = RingLayout.owners(ring);
        assertThat(owners).containsExactly("n1", "n2", "n3", "n4", "n5");
        int[][] slots = RingLayout.slots(ring, owners);
        assertThat(slots).hasNumberOfRows(256);
        for (TokenRange r : ring.ranges()) {
            List<String> expected = ring.replicasFor(r).stream().map(Member::name).toList();
            double from = RingLayout.from(r);
            double to = RingLayout.to(r);
            for (int s = 0; s < slots.length; s++) {
                double at = s / 256.0;
                if (at >= from && at < to) {
                    List<String> got = new ArrayList<>();
                    for (int i : slots[s]) {
                        got.add(owners.get(i));
                    }
                    assertThat(got).as("slot %d in %s", s, r).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void largeRingsAreSampledToAThousandSlots() {
        RingSnapshot ring = ring(4, 16_384);
        int[][] slots = RingLayout.slots(ring, RingLayout.owners(ring));
        assertThat(slots).hasNumberOfRows(RingLayout.MAX_SLOTS);
        for (int[] slot : slots) {
            assertThat(slot).hasSize(3).doesNotHaveDuplicates();
        }
    }

    @Test
    void movementsArePlacedOnTheCircleAndCapped() {
        RingSnapshot before = ring(3, 4096);
        RingSnapshot after = before.update(members(4));
        List<RangeMovement> moved = RingSnapshot.movements(before, after);
        List<RingLayout.Move> moves = RingLayout.moves(moved);
        assertThat(moves).hasSize(Math.min(moved.size(), RingLayout.MAX_MOVEMENTS));
        RingLayout.Move first = moves.get(0);
        assertThat(first.after()).contains("n4");
        assertThat(first.from()).isBetween(0.0, 1.0);
        assertThat(first.to()).isBetween(0.0, 1.0);
        assertThat(moved.size()).as("enough to hit the cap with 4096 partitions").isGreaterThan(RingLayout.MAX_MOVEMENTS);
    }
}
