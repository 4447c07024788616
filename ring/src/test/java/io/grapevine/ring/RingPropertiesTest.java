package io.grapevine.ring;

import static io.grapevine.ring.TestMembers.member;
import static io.grapevine.ring.TestMembers.peakToMean;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Properties of placement, checked on seeded random clusters. */
class RingPropertiesTest {

    /** A random cluster: some zones (or none), some untagged members, some non-owners. */
    private static List<Member> randomCluster(Random random, int size, int zones) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String zone = random.nextInt(12) == 0 ? null : "z" + random.nextInt(zones);
            MemberState state = switch (random.nextInt(10)) {
                case 0 -> MemberState.SUSPECT;
                case 1 -> MemberState.DEAD;
                case 2 -> MemberState.LEFT;
                default -> MemberState.ALIVE;
            };
            members.add(member("m" + random.nextInt(1_000_000) + "-" + i, zone, state));
        }
        return members;
    }

    private static RingConfig randomConfig(Random random) {
        RingConfig.Builder b = RingConfig.builder()
            .replicationFactor(1 + random.nextInt(5))
            .partitions(1 << (2 + random.nextInt(9)))
            .zoneTag(random.nextBoolean() ? "zone" : null);
        switch (random.nextInt(4)) {
            case 0 -> b.maxLoadFactor(Double.POSITIVE_INFINITY);
            case 1 -> b.maxLoadFactor(1.0);
            case 2 -> b.maxLoadFactor(1.1);
            default -> b.automaticLoadCap();
        }
        return b.build();
    }

    private static List<Member> tagged(List<Member> members) {
        // randomCluster tags under "z<n>"; the ring reads "zone".
        List<Member> out = new ArrayList<>();
        for (Member m : members) {
            String zone = m.tags().isEmpty() ? null : m.tags().get("zone");
            out.add(new Member(m.name(), m.address(), m.tags(), m.state(), m.incarnation()));
            assertThat(zone == null || zone.startsWith("z")).isTrue();
        }
        return out;
    }

    private static void assertSameRouting(RingSnapshot a, RingSnapshot b) {
        assertThat(a.digest()).isEqualTo(b.digest());
        assertThat(a.ranges()).isEqualTo(b.ranges());
        for (TokenRange r : a.ranges()) {
            assertThat(a.replicasFor(r)).extracting(Member::name)
                .containsExactlyElementsOf(b.replicasFor(r).stream().map(Member::name).toList());
        }
    }

    @Test
    void snapshotsDoNotDependOnTheOrderMembersWereLearnedIn() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            List<Member> members = tagged(randomCluster(random, random.nextInt(40), 1 + random.nextInt(5)));
            RingConfig config = randomConfig(random);
            RingSnapshot original = RingSnapshot.of(members, config);
            for (int shuffle = 0; shuffle < 3; shuffle++) {
                List<Member> shuffled = new ArrayList<>(members);
                Collections.shuffle(shuffled, random);
                assertSameRouting(RingSnapshot.of(shuffled, config), original);
            }
        }
    }

    @Test
    void incrementalUpdatesEqualSnapshotsComputedFromScratch() {
        for (long seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed);
            RingConfig config = randomConfig(random).toBuilder().zoneTag("zone").build();
            List<Member> members = new ArrayList<>(randomCluster(random, 3 + random.nextInt(30), 2 + random.nextInt(3)));
            RingSnapshot current = RingSnapshot.of(members, config);
            for (int step = 0; step < 25; step++) {
                int op = random.nextInt(6);
                if (op <= 1 || members.isEmpty()) {
                    int joins = op == 0 ? 1 : 1 + random.nextInt(3);
                    members.addAll(randomCluster(random, joins, 4));
                } else if (op == 2) {
                    members.remove(random.nextInt(members.size()));
                } else if (op == 3) {
                    int i = random.nextInt(members.size());
                    Member m = members.get(i); // moves zone: counts as a leave plus a join
                    members.set(i, new Member(m.name(), m.address(), java.util.Map.of("zone", "z" + random.nextInt(4)),
                        m.state(), m.incarnation() + 1));
                } else {
                    int i = random.nextInt(members.size());
                    MemberState[] states = MemberState.values();
                    members.set(i, members.get(i).withState(states[random.nextInt(states.length)]));
                }
                current = current.update(members);
                assertSameRouting(current, RingSnapshot.of(members, config));
            }
        }
    }

    @Test
    void everyRangeSpansDistinctZonesWhenThereAreAtLeastRfZones() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            int rf = 1 + random.nextInt(4);
            int zones = rf + random.nextInt(3);
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < zones * (1 + random.nextInt(6)); i++) {
                members.add(member("n" + i, "zone-" + (i % zones)));
            }
            RingConfig config = RingConfig.builder().replicationFactor(rf).zoneTag("zone").partitions(512).build();
            RingSnapshot ring = RingSnapshot.of(members, config);
            for (TokenRange range : ring.ranges()) {
                Set<String> seen = new HashSet<>();
                for (Member m : ring.replicasFor(range)) {
                    assertThat(seen.add(m.tag("zone"))).as("zone %s twice in %s", m.tag("zone"), range).isTrue();
                }
                assertThat(seen).hasSize(rf);
            }
        }
    }

    @Test
    void withoutTheCapJoinsMoveRangesOnlyToTheNewcomerAndLeavesOnlyTheLeaversRanges() {
        RingConfig config = TestMembers.zoned(1 << 12).toBuilder().maxLoadFactor(Double.POSITIVE_INFINITY).build();
        for (long seed = 1; seed <= 3; seed++) {
            Churn churn = new Churn(seed, TestMembers.cluster(30));
            RingSnapshot ring = RingSnapshot.of(churn.members(), config);
            for (int step = 0; step < 30; step++) {
                Churn.Step s = churn.next();
                RingSnapshot next = ring.update(s.members());
                String name = s.member().name();
                double moved = 0;
                for (RangeMovement mv : RingSnapshot.movements(ring, next)) {
                    if (s.join()) {
                        assertThat(mv.gaining()).extracting(Member::name).containsExactly(name);
                        assertThat(mv.losing()).hasSize(1);
                    } else {
                        assertThat(mv.losing()).extracting(Member::name).containsExactly(name);
                        assertThat(mv.gaining()).hasSize(1);
                    }
                    moved += mv.range().fraction();
                }
                double expected = s.join() ? next.ownership(name) : ring.ownership(name);
                assertThat(moved).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
                ring = next;
            }
        }
    }

    @Test
    void withTheDefaultCapMovementStaysNearOptimalAndAlmostEntirelyMinimal() {
        RingConfig config = RingConfig.builder().replicationFactor(3).zoneTag("zone").build();
        Churn churn = new Churn(42, TestMembers.cluster(100));
        RingSnapshot ring = RingSnapshot.of(churn.members(), config);
        double offTarget = 0;
        double optimalTotal = 0;
        for (int step = 0; step < 50; step++) {
            Churn.Step s = churn.next();
            RingSnapshot next = ring.update(s.members());
            String name = s.member().name();
            double moved = 0;
            for (RangeMovement mv : RingSnapshot.movements(ring, next)) {
                double f = mv.range().fraction();
                moved += f * mv.gaining().size();
                List<Member> side = s.join() ? mv.gaining() : mv.losing();
                offTarget += f * side.stream().filter(m -> !m.name().equals(name)).count();
            }
            int n = s.join() ? next.members().size() : ring.members().size();
            double optimal = 3.0 / n; // r*K/(N+1) for a join (n counts the joiner), r*K/N for a leave
            assertThat(moved / optimal).as("step %d (%s %s)", step, s.join() ? "join" : "leave", name).isLessThanOrEqualTo(1.10);
            optimalTotal += optimal;
            ring = next;
        }
        // Only where the cap binds may a range move between members other than the newcomer/leaver.
        assertThat(offTarget / optimalTotal).isLessThan(0.01);
    }

    @Test
    void balanceStaysWithinFivePercentAtOneHundredMembersThroughChurn() {
        RingConfig config = RingConfig.builder().replicationFactor(3).zoneTag("zone").build();
        for (long seed = 1; seed <= 3; seed++) {
            Churn churn = new Churn(seed, TestMembers.cluster(100));
            RingSnapshot ring = RingSnapshot.of(churn.members(), config);
            double worst = peakToMean(ring);
            for (int step = 0; step < 50; step++) {
                ring = ring.update(churn.next().members());
                worst = Math.max(worst, peakToMean(ring));
            }
            assertThat(worst).as("seed %d", seed).isLessThanOrEqualTo(1.05);
        }
    }

    @Test
    void balanceStaysWithinTenPercentAtOneThousandMembersThroughChurn() {
        RingConfig config = RingConfig.builder().replicationFactor(3).zoneTag("zone").build();
        Churn churn = new Churn(7, TestMembers.cluster(1000));
        RingSnapshot ring = RingSnapshot.of(churn.members(), config);
        double worst = peakToMean(ring);
        for (int step = 0; step < 50; step++) {
            ring = ring.update(churn.next().members());
            worst = Math.max(worst, peakToMean(ring));
        }
        assertThat(worst).isLessThanOrEqualTo(1.10);
    }
}
