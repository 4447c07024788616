package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.Tokens;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code java -jar grapevine-benchmarks.jar ring [--sizes 100,1000] [--steps 50] [--seed 42]
 * [--samples 100000]}: our ring beside random vnodes (16 and 256 tokens, Cassandra style, with a
 * zone-aware walk as NetworkTopologyStrategy and a zone-blind one as SimpleStrategy) and Guava's
 * jump hash, on the same seeded clusters (RF 3, three zones) and the same random joins and
 * leaves. Prints balance, movement against the optimum, lookup time and rebuild time, then our
 * figures as ratios of each baseline's.
 */
public final class RingBench {
    private static final int RF = 3;
    private static final int LOOKUP_TOKENS = 1 << 18;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private RingBench() {
    }

    /**
     * @param args options, see the class comment
     */
    public static void main(String[] args) {
        int[] sizes = {100, 1000};
        int steps = 50;
        long seed = 42;
        int samples = 100_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        RingConfig config = RingConfig.builder().replicationFactor(RF).zoneTag("zone").build();
        System.out.printf(Locale.ROOT, "ring placement: RF %d, 3 zones, %d random joins/leaves from seed %d; %s, %d cpus%n",
            RF, steps, seed, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "grapevine config: %s%n", config);
        System.out.printf(Locale.ROOT, "load average at start: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "key hashing (Murmur3, 16-byte keys): %.1f ns/key%n%n", hashNanos());
        long started = System.nanoTime();
        for (int n : sizes) {
            List<Member> start = Churn.start(n);
            List<Churn.Step> churn = Churn.steps(start, steps, seed);
            List<RingModel> models = List.of(
                new GrapevineModel("grapevine (capped rendezvous)", config),
                new VnodeModel(16, RF, true),
                new VnodeModel(256, RF, true),
                new VnodeModel(16, RF, false),
                new VnodeModel(256, RF, false),
                new JumpModel(samples));
            List<Row> rows = new ArrayList<>();
            for (RingModel model : models) {
                rows.add(evaluate(model, start, churn));
            }
            print(n, rows);
        }
        System.out.printf(Locale.ROOT, "total %.1f s; load average at end: %.2f%n", (System.nanoTime() - started) / 1e9,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** One algorithm's figures on one scenario. */
    record Row(String label, double peak, double worstPeak, double joinMean, double joinWorst,
               double leaveMean, double leaveWorst, double offTarget, boolean exact,
               double lookupNanos, double rebuildMedianMs, double rebuildMaxMs, double rebuildCpuMs,
               double scratchMs) {
    }

    static Row evaluate(RingModel model, List<Member> start, List<Churn.Step> churn) {
        RingModel.Ring warm = model.build(start); // warm up the code paths: a build and a few changes
        for (Churn.Step step : churn.subList(0, Math.min(3, churn.size()))) {
            warm = model.update(warm, step.members());
        }
        long t0 = System.nanoTime();
        RingModel.Ring ring = model.build(start);
        double scratchMs = (System.nanoTime() - t0) / 1e6;
        double peak = peakToMean(ring.ownership());
        double worst = peak;
        double joinSum = 0;
        double joinWorst = 0;
        double leaveSum = 0;
        double leaveWorst = 0;
        int joins = 0;
        double moved = 0;
        double off = 0;
        double[] rebuild = new double[churn.size()];
        double[] rebuildCpu = new double[churn.size()];
        int prevSize = start.size();
        for (int s = 0; s < churn.size(); s++) {
            Churn.Step step = churn.get(s);
            long cpu = CPU.getCurrentThreadCpuTime();
            long a = System.nanoTime();
            RingModel.Ring next = model.update(ring, step.members());
            rebuild[s] = (System.nanoTime() - a) / 1e6;
            rebuildCpu[s] = (CPU.getCurrentThreadCpuTime() - cpu) / 1e6;
            RingModel.Moved m = next.movedSince(ring, step.name(), step.join());
            double optimal = RF / (double) (step.join() ? step.members().size() : prevSize);
            double ratio = m.total() / optimal;
            if (step.join()) {
                joins++;
                joinSum += ratio;
                joinWorst = Math.max(joinWorst, ratio);
            } else {
                leaveSum += ratio;
                leaveWorst = Math.max(leaveWorst, ratio);
            }
            moved += m.total();
            off += m.offTarget();
            worst = Math.max(worst, peakToMean(next.ownership()));
            ring = next;
            prevSize = step.members().size();
        }
        Arrays.sort(rebuild);
        Arrays.sort(rebuildCpu);
        int leaves = churn.size() - joins;
        return new Row(model.label(), peak, worst, joins == 0 ? 0 : joinSum / joins, joinWorst,
            leaves == 0 ? 0 : leaveSum / leaves, leaveWorst, moved == 0 ? 0 : off / moved, ring.exact(),
            lookupNanos(ring), rebuild.length == 0 ? 0 : rebuild[rebuild.length / 2],
            rebuild.length == 0 ? 0 : rebuild[rebuild.length - 1],
            rebuildCpu.length == 0 ? 0 : rebuildCpu[rebuildCpu.length / 2], scratchMs);
    }

    static double peakToMean(Map<String, Double> ownership) {
        double peak = 0;
        for (double v : ownership.values()) {
            peak = Math.max(peak, v);
        }
        double mean = Math.min(RF, ownership.size()) / (double) ownership.size();
        return peak / mean;
    }

    /** Median over five rounds of 2^18 lookups of random tokens (after two warm-up rounds). */
    static double lookupNanos(RingModel.Ring ring) {
        Random random = new Random(5);
        long[] tokens = new long[LOOKUP_TOKENS];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextLong();
        }
        JumpModel.Built jump = ring instanceof JumpModel.Built j ? j : null;
        Member[] out = new Member[RF];
        double[] rounds = new double[5];
        long sink = 0;
        for (int round = -2; round < rounds.length; round++) {
            long a = System.nanoTime();
            for (long t : tokens) {
                if (jump != null) {
                    jump.fill(t, out); // allocation-free, as the others
                    sink += out[0].name().length();
                } else {
                    sink += ring.replicas(t).size();
                }
            }
            if (round >= 0) {
                rounds[round] = (System.nanoTime() - a) / (double) tokens.length;
            }
        }
        if (sink == 42) {
            System.out.print(""); // keeps the loop's result alive
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    static double hashNanos() {
        byte[][] keys = new byte[4096][16];
        new Random(3).nextBytes(keys[0]);
        for (int i = 1; i < keys.length; i++) {
            new Random(i).nextBytes(keys[i]);
        }
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            long a = System.nanoTime();
            for (int r = 0; r < 256; r++) {
                for (byte[] k : keys) {
                    sink += Tokens.of(k);
                }
            }
            best = Math.min(best, (System.nanoTime() - a) / (256.0 * keys.length));
        }
        if (sink == 42) {
            System.out.print("");
        }
        return best;
    }

    private static void print(int n, List<Row> rows) {
        System.out.printf(Locale.ROOT, "N = %d%n", n);
        String header = String.format(Locale.ROOT, "%-34s %9s %11s %17s %17s %10s %9s %18s %7s %10s",
            "ring", "peak/mean", "worst churn", "join moved/opt", "leave moved/opt", "off-target",
            "lookup ns", "rebuild ms med/max", "cpu ms", "scratch ms");
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-34s %9.3f %11.3f %8.3f / %6.3f %8.3f / %6.3f %9.2f%% %9.1f %8.2f / %7.2f %7.2f %10.1f%s%n",
                r.label, r.peak, r.worstPeak, r.joinMean, r.joinWorst, r.leaveMean, r.leaveWorst,
                100 * r.offTarget, r.lookupNanos, r.rebuildMedianMs, r.rebuildMaxMs, r.rebuildCpuMs, r.scratchMs,
                r.exact ? "" : "  (movement sampled)");
        }
        Row ours = rows.get(0);
        System.out.println("grapevine as a ratio of each baseline (lower is better):");
        for (Row b : rows.subList(1, rows.size())) {
            System.out.printf(Locale.ROOT, "  vs %-34s excess load %5.2fx (worst %5.2fx), worst join moved %5.2fx,"
                    + " worst leave moved %5.2fx, lookup %5.2fx, rebuild %6.2fx%n",
                b.label, ratio(ours.peak - 1, b.peak - 1), ratio(ours.worstPeak - 1, b.worstPeak - 1),
                ratio(ours.joinWorst, b.joinWorst), ratio(ours.leaveWorst, b.leaveWorst),
                ratio(ours.lookupNanos, b.lookupNanos), ratio(ours.rebuildMedianMs, b.rebuildMedianMs));
        }
        System.out.println();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
