package io.grapevine.ring;

import io.grapevine.membership.Member;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded random joins and leaves that keep the three zones within one member of each other: a
 * join goes to the smallest zone, a leave takes a random member of the largest.
 */
final class Churn {
    private final Random random;
    private List<Member> members;
    private int nextId;

    Churn(long seed, List<Member> start) {
        this.random = new Random(seed);
        this.members = List.copyOf(start);
        this.nextId = start.size();
    }

    List<Member> members() {
        return members;
    }

    /** @return the member that joined (true) or left (false), with the new member list */
    Step next() {
        Map<String, List<Member>> byZone = new TreeMap<>();
        for (String z : TestMembers.ZONES) {
            byZone.put(z, new ArrayList<>());
        }
        members.forEach(m -> byZone.get(m.tag("zone")).add(m));
        List<Member> next = new ArrayList<>(members);
        boolean join = members.size() < 2 || random.nextBoolean();
        Member changed;
        if (join) {
            String zone = byZone.entrySet().stream()
                .min(Comparator.comparingInt((Map.Entry<String, List<Member>> e) -> e.getValue().size())).orElseThrow().getKey();
            changed = TestMembers.member("node-" + nextId++, zone);
            next.add(changed);
        } else {
            List<Member> largest = byZone.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
            changed = largest.get(random.nextInt(largest.size()));
            next.remove(changed);
        }
        members = List.copyOf(next);
        return new Step(join, changed, members);
    }

    /**
     * @param join    whether {@code member} joined (else it left)
     * @param member  the member that joined or left
     * @param members the members after the step
     */
    record Step(boolean join, Member member, List<Member> members) {
    }
}
