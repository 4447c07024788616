package io.grapevine.ring;

import static io.grapevine.ring.TestMembers.cluster;
import static io.grapevine.ring.TestMembers.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MovementsTest {

    private static Set<String> names(List<Member> members) {
        Set<String> names = new HashSet<>();
        members.forEach(m -> names.add(m.name()));
        return names;
    }

    /** Checks the movements against a partition-by-partition comparison at {@code 2^bits} granularity. */
    private static void assertMovementsMatchBruteForce(RingSnapshot before, RingSnapshot after, int bits) {
        List<RangeMovement> movements = RingSnapshot.movements(before, after);
        assertThat(movements).extracting(RangeMovement::range).isSorted();
        long q = 1L << bits;
        long width = q == 1 ? 0 : 1L << (64 - bits);
        int expectedMoved = 0;
        for (long p = 0; p < q; p++) {
            long token = Long.MIN_VALUE + p * width + 1; // a token inside partition p
            List<Member> b = before.replicasForToken(token);
            List<Member> a = after.replicasForToken(token);
            boolean moved = !names(b).equals(names(a));
            List<RangeMovement> covering = movements.stream().filter(m -> m.range().contains(token)).toList();
            if (moved) {
                expectedMoved++;
                assertThat(covering).hasSize(1);
                assertThat(covering.get(0).before()).isEqualTo(b);
                assertThat(covering.get(0).after()).isEqualTo(a);
            } else {
                assertThat(covering).isEmpty();
            }
        }
        double covered = movements.stream().mapToDouble(m -> m.range().fraction()).sum();
        assertThat(covered).isCloseTo(expectedMoved / (double) q, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void listExactlyThePartitionsWhoseReplicaSetChanged() {
        RingConfig config = TestMembers.zoned(256);
        List<Member> members = new ArrayList<>(cluster(10));
        RingSnapshot before = RingSnapshot.of(members, config);
        members.add(member("node-new", "b"));
        members.remove(3);
        RingSnapshot after = RingSnapshot.of(members, config);
        assertMovementsMatchBruteForce(before, after, 8);
        assertMovementsMatchBruteForce(after, before, 8);
    }

    @Test
    void compareSnapshotsWithDifferentPartitionCounts() {
        RingSnapshot coarse = RingSnapshot.of(cluster(9), TestMembers.zoned(64));
        RingSnapshot fine = RingSnapshot.of(cluster(10), TestMembers.zoned(512));
        assertMovementsMatchBruteForce(coarse, fine, 9);
        assertMovementsMatchBruteForce(fine, coarse, 9);
    }

    @Test
    void fromAnEmptyRingEveryRangeIsGainedAndToOneEveryRangeIsLost() {
        RingConfig config = TestMembers.zoned(128);
        RingSnapshot empty = RingSnapshot.of(List.of(), config);
        RingSnapshot ring = RingSnapshot.of(cluster(6), config);
        List<RangeMovement> up = RingSnapshot.movements(empty, ring);
        assertThat(up.stream().mapToDouble(m -> m.range().fraction()).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(up).allSatisfy(m -> {
            assertThat(m.before()).isEmpty();
            assertThat(m.gaining()).isEqualTo(m.after()).hasSize(3);
        });
        List<RangeMovement> down = RingSnapshot.movements(ring, empty);
        assertThat(down).allSatisfy(m -> assertThat(m.losing()).isEqualTo(m.before()).hasSize(3));
        assertThat(RingSnapshot.movements(empty, empty)).isEmpty();
    }

    @Test
    void aNewPrimaryAloneIsNotAMovement() {
        // Three members, RF 3: every partition has the same replica set, in a per-partition order.
        RingSnapshot a = RingSnapshot.of(cluster(3), TestMembers.zoned(64));
        RingSnapshot b = RingSnapshot.of(cluster(3), TestMembers.zoned(128));
        assertThat(a.digest()).isNotEqualTo(b.digest());
        assertThat(RingSnapshot.movements(a, b)).isEmpty();
    }

    @Test
    void aMovementNamesWhoGainsLosesAndKeeps() {
        Member a = member("a", "x");
        Member b = member("b", "y");
        Member c = member("c", "z");
        Member d = member("d", "z");
        RangeMovement m = new RangeMovement(new TokenRange(1, 2), List.of(a, b, c), List.of(d, a, b));
        assertThat(m.gaining()).containsExactly(d);
        assertThat(m.losing()).containsExactly(c);
        assertThat(m.keeping()).containsExactly(a, b);
    }
}
