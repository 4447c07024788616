package io.grapevine.ring;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds members for ring tests. */
final class TestMembers {
    static final String[] ZONES = {"a", "b", "c"};

    private TestMembers() {
    }

    static Member member(String name, String zone) {
        return member(name, zone, MemberState.ALIVE);
    }

    static Member member(String name, String zone, MemberState state) {
        Map<String, String> tags = zone == null ? Map.of() : Map.of("zone", zone);
        return new Member(name, new InetSocketAddress("127.0.0.1", 7946), tags, state, 1);
    }

    /** {@code n} members named node-0.. spread round-robin over the three zones. */
    static List<Member> cluster(int n) {
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(member("node-" + i, ZONES[i % ZONES.length]));
        }
        return members;
    }

    static RingConfig zoned(int partitions) {
        return RingConfig.builder().replicationFactor(3).zoneTag("zone").partitions(partitions).build();
    }

    /** Peak over mean replica ownership. */
    static double peakToMean(RingSnapshot ring) {
        int n = ring.members().size();
        double mean = Math.min(ring.config().replicationFactor(), n) / (double) n;
        double peak = 0;
        for (Member m : ring.members()) {
            peak = Math.max(peak, ring.ownership(m.name()));
        }
        return peak / mean;
    }
}
