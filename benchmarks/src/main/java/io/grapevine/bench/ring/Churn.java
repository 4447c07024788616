package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded scenario: {@code n} members round-robin over three zones, then random joins and
 * leaves. A join goes to the smallest zone and a leave takes a random member of the largest, so
 * zones never differ by more than one member (an operator replacing capacity zone by zone).
 */
final class Churn {
    static final String[] ZONES = {"a", "b", "c"};

    private Churn() {
    }

    /**
     * @param join    whether {@code name} joined (else it left)
     * @param name    the member that joined or left
     * @param members the members after the step
     */
    record Step(boolean join, String name, List<Member> members) {
    }

    static Member member(String name, String zone) {
        return new Member(name, new InetSocketAddress("127.0.0.1", 7946), Map.of("zone", zone), MemberState.ALIVE, 1);
    }

    static List<Member> start(int n) {
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(member("node-" + i, ZONES[i % ZONES.length]));
        }
        return List.copyOf(members);
    }

    static List<Step> steps(List<Member> start, int count, long seed) {
        Random random = new Random(seed);
        List<Member> members = new ArrayList<>(start);
        int nextId = start.size();
        List<Step> steps = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            Map<String, List<Member>> byZone = new TreeMap<>();
            for (String z : ZONES) {
                byZone.put(z, new ArrayList<>());
            }
            members.forEach(m -> byZone.get(m.tag("zone")).add(m));
            if (random.nextBoolean()) {
                String zone = byZone.entrySet().stream()
                    .min(Comparator.comparingInt((Map.Entry<String, List<Member>> e) -> e.getValue().size()))
                    .orElseThrow().getKey();
                Member joiner = member("node-" + nextId++, zone);
                members.add(joiner);
                steps.add(new Step(true, joiner.name(), List.copyOf(members)));
            } else {
                List<Member> largest = byZone.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
                Member leaver = largest.get(random.nextInt(largest.size()));
                members.remove(leaver);
                steps.add(new Step(false, leaver.name(), List.copyOf(members)));
            }
        }
        return steps;
    }
}
