package io.grapevine.ring;

import static io.grapevine.ring.TestMembers.cluster;
import static io.grapevine.ring.TestMembers.member;
import static io.grapevine.ring.TestMembers.zoned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingSnapshotTest {
    private static final RingConfig ZONED = zoned(1024);

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> zonesOf(List<Member> replicas) {
        Set<String> zones = new HashSet<>();
        replicas.forEach(m -> zones.add(m.tag("zone")));
        return zones;
    }

    @Test
    void replicasAreDistinctAndOnePerZone() {
        RingSnapshot ring = RingSnapshot.of(cluster(12), ZONED);
        for (int i = 0; i < 2000; i++) {
            List<Member> replicas = ring.replicasFor(key(i));
            assertThat(replicas).hasSize(3).doesNotHaveDuplicates();
            assertThat(zonesOf(replicas)).hasSize(3);
            assertThat(replicas).isEqualTo(ring.replicasForToken(Tokens.of(key(i))));
        }
    }

    @Test
    void lookupReturnsASharedUnmodifiableList() {
        RingSnapshot ring = RingSnapshot.of(cluster(6), ZONED);
        List<Member> replicas = ring.replicasFor(key(1));
        assertThat(ring.replicasFor(key(1))).isSameAs(replicas);
        assertThatThrownBy(() -> replicas.add(member("x", "a"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> replicas.set(0, member("x", "a"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aliveAndSuspectMembersOwnDeadAndLeftOnesDoNot() {
        List<Member> members = new ArrayList<>(cluster(6));
        members.set(0, members.get(0).withState(MemberState.SUSPECT));
        members.set(1, members.get(1).withState(MemberState.DEAD));
        members.set(2, members.get(2).withState(MemberState.LEFT));
        RingSnapshot ring = RingSnapshot.of(members, ZONED);
        assertThat(ring.members()).extracting(Member::name).containsExactly("node-0", "node-3", "node-4", "node-5");
        assertThat(ring.ownership("node-0")).isPositive();
        assertThat(ring.ownership("node-1")).isZero();
        assertThat(ring.rangesOf("node-2")).isEmpty();
    }

    @Test
    void suspicionAloneChangesNothing() {
        List<Member> members = new ArrayList<>(cluster(9));
        RingSnapshot before = RingSnapshot.of(members, ZONED);
        members.set(4, members.get(4).withState(MemberState.SUSPECT));
        RingSnapshot after = RingSnapshot.of(members, ZONED);
        assertThat(after.digest()).isEqualTo(before.digest());
        assertThat(RingSnapshot.movements(before, after)).isEmpty();
    }

    @Test
    void anEmptyMemberSetGivesAnEmptyRing() {
        RingSnapshot ring = RingSnapshot.of(List.of(), ZONED);
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.replicasFor(key(1))).isEmpty();
        assertThat(ring.ranges()).containsExactly(TokenRange.FULL);
        assertThat(ring.replicasFor(TokenRange.FULL)).isEmpty();
        assertThat(ring.members()).isEmpty();
        assertThat(ring.digest()).isEqualTo(RingSnapshot.of(List.of(member("x", "a", MemberState.DEAD)), ZONED).digest());
    }

    @Test
    void fewerMembersThanReplicasGivesEveryMember() {
        RingSnapshot ring = RingSnapshot.of(cluster(2), ZONED);
        assertThat(ring.replicasFor(key(3))).extracting(Member::name).containsExactlyInAnyOrder("node-0", "node-1");
        assertThat(ring.ownership("node-0")).isEqualTo(1.0);
    }

    @Test
    void duplicateNamesAreRejected() {
        List<Member> members = List.of(member("n1", "a"), member("n1", "b"));
        assertThatThrownBy(() -> RingSnapshot.of(members, ZONED))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n1");
    }

    @Test
    void membersWithoutTheZoneTagFormAZoneOfTheirOwn() {
        List<Member> members = new ArrayList<>(cluster(6));
        members.add(member("untagged-1", null));
        members.add(member("untagged-2", null));
        RingSnapshot ring = RingSnapshot.of(members, ZONED);
        assertThat(ring.zones()).containsOnlyKeys("", "a", "b", "c");
        assertThat(ring.zones().get("")).extracting(Member::name).containsExactly("untagged-1", "untagged-2");
        for (TokenRange range : ring.ranges()) {
            List<Member> replicas = ring.replicasFor(range);
            Set<String> zones = new HashSet<>();
            replicas.forEach(m -> zones.add(m.tags().getOrDefault("zone", "")));
            assertThat(zones).as("zones of %s", range).hasSize(3);
        }
        assertThat(ring.ownership("untagged-1")).isPositive();
    }

    @Test
    void fewerZonesThanReplicasSpreadAsEvenlyAsTheQuotaAllows() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add(member("n" + i, i % 2 == 0 ? "east" : "west"));
        }
        RingSnapshot ring = RingSnapshot.of(members, ZONED);
        for (TokenRange range : ring.ranges()) {
            List<Member> replicas = ring.replicasFor(range);
            long east = replicas.stream().filter(m -> m.tag("zone").equals("east")).count();
            assertThat(replicas).hasSize(3).doesNotHaveDuplicates();
            assertThat(east).isBetween(1L, 2L); // ceil(3 / 2) = 2 per zone at most: both zones used
        }
    }

    @Test
    void zonesTooSmallForTheQuotaFallBackToAnyZone() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add(member("big-" + i, "big"));
        }
        members.add(member("lonely", "small"));
        RingConfig rf5 = ZONED.toBuilder().replicationFactor(5).build();
        RingSnapshot ring = RingSnapshot.of(members, rf5);
        for (TokenRange range : ring.ranges()) {
            assertThat(ring.replicasFor(range)).hasSize(5).doesNotHaveDuplicates()
                .extracting(Member::name).contains("lonely");
        }
    }

    @Test
    void rangesCoverTheRingOnceInOrder() {
        RingSnapshot ring = RingSnapshot.of(cluster(7), ZONED);
        List<TokenRange> ranges = ring.ranges();
        assertThat(ranges).isSorted();
        assertThat(ranges.get(0).start()).isEqualTo(Long.MAX_VALUE);
        assertThat(ranges.get(ranges.size() - 1).end()).isEqualTo(Long.MAX_VALUE);
        double total = 0;
        for (int i = 0; i < ranges.size(); i++) {
            TokenRange r = ranges.get(i);
            total += r.fraction();
            if (i > 0) {
                assertThat(r.start()).isEqualTo(ranges.get(i - 1).end());
                assertThat(ring.replicasFor(r)).isNotEqualTo(ring.replicasFor(ranges.get(i - 1)));
            }
            assertThat(ring.replicasForToken(r.end())).isSameAs(ring.replicasFor(r));
            assertThat(ring.replicasForToken(r.start() + 1)).isEqualTo(ring.replicasFor(r));
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ring.replicasForToken(Long.MIN_VALUE)).isEqualTo(ring.replicasFor(ranges.get(0)));
    }

    @Test
    void aRangeSpanningDifferentReplicasIsRejected() {
        RingSnapshot ring = RingSnapshot.of(cluster(7), ZONED);
        TokenRange first = ring.ranges().get(0);
        TokenRange second = ring.ranges().get(1);
        assertThat(ring.replicasFor(new TokenRange(first.start(), first.end() - 5))).isEqualTo(ring.replicasFor(first));
        assertThatThrownBy(() -> ring.replicasFor(new TokenRange(first.start(), second.end())))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangesOfAMemberAddUpToItsOwnership() {
        RingSnapshot ring = RingSnapshot.of(cluster(9), ZONED);
        double sum = 0;
        for (Member m : ring.members()) {
            double mine = 0;
            for (TokenRange r : ring.rangesOf(m.name())) {
                assertThat(ring.replicasFor(r)).contains(m);
                mine += r.fraction();
            }
            assertThat(mine).isCloseTo(ring.ownership(m.name()), org.assertj.core.data.Offset.offset(1e-9));
            sum += mine;
        }
        assertThat(sum).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ring.rangesOf("nobody")).isEmpty();
        assertThat(ring.ownership("nobody")).isZero();
    }

    @Test
    void theDigestFollowsOwnershipNotObjectsOrOrder() {
        List<Member> members = new ArrayList<>(cluster(8));
        RingSnapshot ring = RingSnapshot.of(members, ZONED);
        List<Member> copies = new ArrayList<>();
        for (Member m : members) {
            copies.add(0, new Member(m.name(), m.address(), m.tags(), m.state(), m.incarnation() + 1));
        }
        assertThat(RingSnapshot.of(copies, ZONED).digest()).isEqualTo(ring.digest());
        members.add(member("node-8", "c"));
        assertThat(RingSnapshot.of(members, ZONED).digest()).isNotEqualTo(ring.digest());
        assertThat(RingSnapshot.of(cluster(8), ZONED.toBuilder().replicationFactor(2).build()).digest())
            .isNotEqualTo(ring.digest());
        assertThat(ring.digest()).hasSize(32).matches("[0-9a-f]+");
    }

    @Test
    void updateReturnsTheSameSnapshotWhenNothingChanged() {
        List<Member> members = cluster(8);
        RingSnapshot ring = RingSnapshot.of(members, ZONED);
        assertThat(ring.update(new ArrayList<>(members))).isSameAs(ring);
        List<Member> suspected = new ArrayList<>(members);
        suspected.set(3, suspected.get(3).withState(MemberState.SUSPECT));
        RingSnapshot updated = ring.update(suspected);
        assertThat(updated.digest()).isEqualTo(ring.digest());
        assertThat(updated.member("node-3")).get().extracting(Member::state).isEqualTo(MemberState.SUSPECT);
        assertThat(updated.replicasFor(key(9)).stream().filter(m -> m.name().equals("node-3")))
            .allMatch(m -> m.state() == MemberState.SUSPECT);
    }

    @Test
    void onePartitionIsOneRangeForTheWholeRing() {
        RingSnapshot ring = RingSnapshot.of(cluster(5), ZONED.toBuilder().partitions(1).build());
        assertThat(ring.ranges()).containsExactly(TokenRange.FULL);
        assertThat(ring.replicasForToken(Long.MIN_VALUE)).isSameAs(ring.replicasForToken(Long.MAX_VALUE));
    }

    @Test
    void aCustomKeyHashDecidesTheToken() {
        RingConfig config = ZONED.toBuilder().keyHash(k -> 12345L).build();
        RingSnapshot ring = RingSnapshot.of(cluster(9), config);
        assertThat(ring.replicasFor(key(1))).isSameAs(ring.replicasForToken(12345L));
        assertThat(ring.replicasFor(key(2))).isSameAs(ring.replicasForToken(12345L));
    }
}
