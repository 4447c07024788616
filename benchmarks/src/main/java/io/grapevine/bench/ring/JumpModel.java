package io.grapevine.bench.ring;

import com.google.common.hash.Hashing;
import io.grapevine.membership.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The jump-hash baseline (Guava's {@code Hashing.consistentHash}), made zone aware: each zone's
 * members are numbered in name order (a pure function of the member set, as our ring is) and a
 * token picks one member per zone by jump hash on a zone-salted copy of the token. Jump hash
 * balances perfectly in expectation but can only add or remove the highest bucket cheaply; a
 * member joining or leaving in the middle of the numbering renumbers the rest.
 */
final class JumpModel implements RingModel {
    private final int samples;

    /** @param samples keys sampled to measure movement (jump hash has no ranges to measure exactly) */
    JumpModel(int samples) {
        this.samples = samples;
    }

    @Override
    public String label() {
        return "jump hash (Guava), per zone";
    }

    @Override
    public Ring build(List<Member> members) {
        Map<String, List<Member>> byZone = new TreeMap<>();
        for (Member m : members) {
            byZone.computeIfAbsent(m.tag("zone"), z -> new ArrayList<>()).add(m);
        }
        List<Member[]> zones = new ArrayList<>();
        for (List<Member> zone : byZone.values()) {
            zone.sort((a, b) -> a.name().compareTo(b.name()));
            zones.add(zone.toArray(new Member[0]));
        }
        return new Built(members, zones.toArray(new Member[0][]), samples);
    }

    /** Per-zone bucket arrays. */
    static final class Built implements Ring {
        private final List<Member> members;
        private final Member[][] zones;
        private final int samples;

        Built(List<Member> members, Member[][] zones, int samples) {
            this.members = members;
            this.zones = zones;
            this.samples = samples;
        }

        @Override
        public List<Member> replicas(long token) {
            Member[] out = new Member[zones.length];
            fill(token, out);
            return List.of(out);
        }

        /** The allocation-free lookup: writes one member per zone into {@code out}. */
        void fill(long token, Member[] out) {
            for (int z = 0; z < zones.length; z++) {
                out[z] = zones[z][Hashing.consistentHash(token + z * 0x9E3779B97F4A7C15L, zones[z].length)];
            }
        }

        /** Exact by construction: jump hash gives each bucket of a zone the same share. */
        @Override
        public Map<String, Double> ownership() {
            Map<String, Double> out = new HashMap<>();
            for (Member[] zone : zones) {
                for (Member m : zone) {
                    out.put(m.name(), 1.0 / zone.length);
                }
            }
            return out;
        }

        @Override
        public Moved movedSince(Ring before, String changed, boolean join) {
            Built b = (Built) before;
            Random random = new Random(11);
            Member[] now = new Member[zones.length];
            Member[] then = new Member[b.zones.length];
            long moved = 0;
            long off = 0;
            for (int i = 0; i < samples; i++) {
                long token = random.nextLong();
                fill(token, now);
                b.fill(token, then);
                for (int z = 0; z < now.length; z++) {
                    if (!now[z].name().equals(then[z].name())) {
                        moved++;
                        String target = join ? now[z].name() : then[z].name();
                        off += target.equals(changed) ? 0 : 1;
                    }
                }
            }
            return new Moved(moved / (double) samples, off / (double) samples);
        }

        @Override
        public boolean exact() {
            return false;
        }
    }
}
