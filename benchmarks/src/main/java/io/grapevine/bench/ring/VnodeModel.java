package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cassandra-style baseline: each member takes {@code vnodes} random tokens (here derived
 * from its name, which is as random and reproducible); a token's replicas are found by walking
 * the ring clockwise from it. Zone aware, the walk takes the first member of each zone not yet
 * used, as NetworkTopologyStrategy does with racks (then any skipped member when zones run out);
 * zone blind, it takes the first distinct members, as SimpleStrategy does.
 */
final class VnodeModel implements RingModel {
    private final int vnodes;
    private final int rf;
    private final boolean zoneAware;
    /** A member's tokens are chosen once, at bootstrap, and kept: rebuilds do not redraw them. */
    private final Map<String, long[]> tokensOf = new HashMap<>();

    VnodeModel(int vnodes, int rf, boolean zoneAware) {
        this.vnodes = vnodes;
        this.rf = rf;
        this.zoneAware = zoneAware;
    }

    @Override
    public String label() {
        return "vnodes " + vnodes + (zoneAware ? ", zone-aware (NTS)" : ", zone-blind (Simple)");
    }

    @Override
    public Ring build(List<Member> members) {
        int n = members.size();
        int count = n * vnodes;
        long[][] mine = new long[n][];
        long[] tokens = new long[count];
        for (int i = 0, w = 0; i < n; i++) {
            String name = members.get(i).name();
            mine[i] = tokensOf.computeIfAbsent(name, x -> {
                long[] t = new long[vnodes];
                for (int k = 0; k < vnodes; k++) {
                    t[k] = Tokens.of((x + "#" + k).getBytes(StandardCharsets.UTF_8));
                }
                return t;
            });
            System.arraycopy(mine[i], 0, tokens, w, vnodes);
            w += vnodes;
        }
        Arrays.sort(tokens);
        int[] owner = new int[count];
        for (int i = 0; i < n; i++) {
            for (long t : mine[i]) {
                owner[Arrays.binarySearch(tokens, t)] = i; // 64-bit hash collisions: negligible
            }
        }
        Map<String, Integer> zoneIds = new HashMap<>();
        int[] zone = new int[n];
        for (int i = 0; i < n; i++) {
            zone[i] = zoneAware ? zoneIds.computeIfAbsent(members.get(i).tag("zone"), z -> zoneIds.size()) : i;
        }
        int zones = zoneAware ? zoneIds.size() : n;
        int width = Math.min(rf, n);
        @SuppressWarnings("unchecked")
        List<Member>[] lists = new List[count];
        Map<Long, List<Member>> shared = new HashMap<>();
        int[] picked = new int[width];
        int[] arcReplicas = new int[count * width];
        boolean[] zoneUsed = new boolean[zones];
        int[] skipped = new int[count];
        for (int j = 0; j < count; j++) {
            int got = 0;
            int skippedCount = 0;
            int usedZones = 0;
            Arrays.fill(zoneUsed, false);
            for (int step = 0; step < count && got < width; step++) {
                int m = owner[(j + step) % count];
                if (contains(picked, got, m) || contains(skipped, skippedCount, m)) {
                    continue;
                }
                if (usedZones < zones && zoneUsed[zone[m]]) {
                    skipped[skippedCount++] = m; // rack already used: NTS keeps it for later
                    continue;
                }
                if (!zoneUsed[zone[m]]) {
                    zoneUsed[zone[m]] = true;
                    usedZones++;
                }
                picked[got++] = m;
            }
            for (int s = 0; got < width && s < skippedCount; s++) {
                picked[got++] = skipped[s];
            }
            long key = 0;
            for (int r = 0; r < width; r++) {
                key = key * 1_000_003L + picked[r] + 1;
                arcReplicas[j * width + r] = picked[r];
            }
            lists[j] = shared.computeIfAbsent(key, x -> {
                Member[] out = new Member[width];
                for (int r = 0; r < width; r++) {
                    out[r] = members.get(picked[r]);
                }
                return List.of(out);
            });
        }
        return new Built(members, tokens, lists, arcReplicas, width);
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** A ring of sorted vnode tokens; arc j is (tokens[j-1], tokens[j]] and belongs to tokens[j]'s walk. */
    static final class Built implements Ring {
        private final List<Member> members;
        private final long[] tokens;
        private final List<Member>[] lists;
        private final int[] arcReplicas;
        private final int width;

        Built(List<Member> members, long[] tokens, List<Member>[] lists, int[] arcReplicas, int width) {
            this.members = members;
            this.tokens = tokens;
            this.lists = lists;
            this.arcReplicas = arcReplicas;
            this.width = width;
        }

        @Override
        public List<Member> replicas(long token) {
            int i = Arrays.binarySearch(tokens, token);
            if (i < 0) {
                i = -i - 1;
            }
            return lists[i == tokens.length ? 0 : i];
        }

        @Override
        public Map<String, Double> ownership() {
            double[] share = new double[members.size()];
            for (int j = 0; j < tokens.length; j++) {
                double f = arc(j);
                for (int r = 0; r < width; r++) {
                    share[arcReplicas[j * width + r]] += f;
                }
            }
            Map<String, Double> out = new HashMap<>();
            for (int i = 0; i < share.length; i++) {
                out.put(members.get(i).name(), share[i]);
            }
            return out;
        }

        private double arc(int j) {
            long prev = tokens[(j - 1 + tokens.length) % tokens.length];
            return fraction(tokens[j] - prev);
        }

        @Override
        public Moved movedSince(Ring before, String changed, boolean join) {
            Built b = (Built) before;
            // Walk both sorted boundary sets at once; each elementary segment ends at the next
            // boundary of either ring and lies in one arc of each.
            double total = 0;
            double off = 0;
            int i = 0;
            int j = 0;
            long prev = Math.max(tokens[tokens.length - 1], b.tokens[b.tokens.length - 1]);
            while (i < tokens.length || j < b.tokens.length) {
                long end;
                if (j >= b.tokens.length || (i < tokens.length && tokens[i] <= b.tokens[j])) {
                    end = tokens[i];
                } else {
                    end = b.tokens[j];
                }
                List<Member> now = lists[i == tokens.length ? 0 : i];
                List<Member> then = b.lists[j == b.tokens.length ? 0 : j];
                if (end != prev || (i == 0 && j == 0)) {
                    double f = fraction(end - prev);
                    for (Member m : now) {
                        if (!hasName(then, m)) {
                            total += f;
                            off += join && !m.name().equals(changed) ? f : 0;
                        }
                    }
                    if (!join) {
                        for (Member m : then) {
                            if (!hasName(now, m) && !m.name().equals(changed)) {
                                off += f;
                            }
                        }
                    }
                }
                prev = end;
                if (i < tokens.length && tokens[i] == end) {
                    i++;
                }
                if (j < b.tokens.length && b.tokens[j] == end) {
                    j++;
                }
            }
            return new Moved(total, off);
        }

        @Override
        public boolean exact() {
            return true;
        }
    }

    static boolean hasName(List<Member> list, Member member) {
        for (Member m : list) {
            if (m == member || m.name().equals(member.name())) {
                return true;
            }
        }
        return false;
    }

    /** An unsigned 64-bit width as a fraction of the token space (0 means the whole ring). */
    static double fraction(long width) {
        if (width == 0) {
            return 1.0;
        }
        return ((double) (width >>> 1) * 2.0 + (width & 1)) / 0x1p64;
    }
}
