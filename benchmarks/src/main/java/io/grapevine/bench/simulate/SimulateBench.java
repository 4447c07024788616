package io.grapevine.bench.simulate;

import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.Profile;
import io.grapevine.testkit.LifeguardBounds;
import io.grapevine.testkit.ObservedEvent;
import io.grapevine.testkit.SimulatedCluster;
import io.grapevine.testkit.SimulatedNode;
import io.grapevine.testkit.Traffic;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code simulate}: whole clusters of real Grapevine nodes on the testkit's simulated network, in
 * virtual time, measured against what SWIM and Lifeguard predict. Per cluster size it reports the
 * join convergence of a cluster started from three seeds (all at once, or for large clusters in
 * waves, as real deployments roll out), the dissemination of one later join, crash to first
 * suspicion and to {@code FAILED} on every survivor (p50, p99), false positives, and messages and
 * bytes per node per second, each beside its theoretical value.
 */
public final class SimulateBench {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(60);
    private static final Duration DETECTION_TAIL = Duration.ofSeconds(60);
    /** Nodes per join wave when the number of waves is not given. */
    private static final int DEFAULT_WAVE_SIZE = 1_000;
    private static final String USAGE = "usage: simulate [--nodes N[,N...]] [--loss p] [--minutes m] [--crashes k] [--seed s] "
            + "[--join-waves w]";

    private SimulateBench() {
    }

    /**
     * @param args {@code [--nodes N[,N...]] [--loss p] [--minutes m] [--crashes k] [--seed s]
     *             [--join-waves w]}; without {@code --join-waves}, clusters of more than 1,000
     *             nodes join in waves of 1,000
     */
    public static void main(String[] args) {
        List<Integer> sizes = List.of(100, 1000);
        double loss = 0;
        int minutes = 5;
        int crashes = 20;
        long seed = 42;
        int waves = 0;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--nodes" -> sizes = parseSizes(v);
                case "--loss" -> loss = Double.parseDouble(v);
                case "--minutes" -> minutes = Integer.parseInt(v);
                case "--crashes" -> crashes = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--join-waves" -> waves = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
            i++;
        }
        Logs.quiet();
        for (int n : sizes) {
            int w = waves > 0 ? waves : Math.max(1, (n + DEFAULT_WAVE_SIZE - 1) / DEFAULT_WAVE_SIZE);
            if (w > Math.max(1, n / 3)) {
                throw new IllegalArgumentException("--join-waves " + w + " leaves fewer than 3 nodes per wave for " + n + " nodes");
            }
            new Run(n, loss, Duration.ofMinutes(minutes), crashes, seed, w).execute().print();
        }
    }

    private static List<Integer> parseSizes(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(Integer.parseInt(s.trim().replace("_", "")));
        }
        return out;
    }

    /** One cluster size, start to finish. */
    private static final class Run {
        final int n;
        final double loss;
        final Duration measured;
        final int crashes;
        final long seed;
        final int waves;
        final List<Long> waveConvergence = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        final Map<String, Long> crashedAt = new HashMap<>();
        final Map<String, Long> firstSuspicion = new HashMap<>();
        final Map<String, Long> firstFailed = new HashMap<>();
        final Map<String, Long> lastFailed = new HashMap<>();
        final Map<String, Set<String>> failedBy = new HashMap<>();
        final Set<String> joinedBy = new HashSet<>();
        String newcomer;
        long newcomerStart;
        long newcomerLastJoined;
        long falseFailed;
        long falseSuspected;
        long joinConvergence = -1;
        double bootstrapWall;
        double bootstrapCpu;
        double measuredWall;
        double measuredCpu;
        Traffic quiet = Traffic.NONE;
        Traffic whole = Traffic.NONE;
        long wholeMillis;
        int survivors;
        LifeguardBounds bounds;
        long wall0;

        Run(int n, double loss, Duration measured, int crashes, long seed, int waves) {
            this.n = n;
            this.loss = loss;
            this.measured = measured;
            this.crashes = crashes;
            this.seed = seed;
            this.waves = waves;
        }

        /**
         * Starts the cluster: the first wave (the three seeds among it) at once, then each further
         * wave once every node started so far sees every one of them alive.
         *
         * @return whether every wave converged within its timeout
         */
        boolean join(SimulatedCluster c) {
            int waveSize = waveSize();
            int started = waveSize;
            boolean joined = c.advanceUntil(() -> allSee(c, waveSize), Duration.ofMinutes(30));
            waveConvergence.add(c.now().toMillis());
            progress(c, started, joined);
            while (joined && started < n) {
                long waveStart = c.now().toMillis();
                int size = Math.min(waveSize, n - started);
                for (int i = 0; i < size; i++) {
                    c.addNode();
                }
                started += size;
                int expected = started;
                joined = c.advanceUntil(() -> allSee(c, expected), Duration.ofMinutes(30));
                waveConvergence.add(c.now().toMillis() - waveStart);
                progress(c, started, joined);
            }
            return joined;
        }

        /** @return nodes per wave (the last may have fewer); never more than n */
        private int waveSize() {
            return (n + waves - 1) / waves;
        }

        /** A line on stderr per wave, so a run of an hour shows how far it got. */
        private void progress(SimulatedCluster c, int started, boolean joined) {
            if (waves > 1) {
                System.err.printf(Locale.ROOT, "wave %d of %d: %,d nodes %s after %.1f simulated s (wave %.1f s), %.0f s wall%n",
                        waveConvergence.size(), waves, started, joined ? "converged" : "NOT converged",
                        c.now().toMillis() / 1000.0, waveConvergence.get(waveConvergence.size() - 1) / 1000.0,
                        (System.nanoTime() - wall0) / 1e9);
            }
        }

        Run execute() {
            bounds = LifeguardBounds.of(MembershipConfig.builder().nodeName("x")
                    .bind(new InetSocketAddress("10.0.0.1", 7946)).profile(Profile.LAN).build(), n);
            wall0 = System.nanoTime();
            long cpu0 = cpu.getCurrentThreadCpuTime();
            try (SimulatedCluster c = SimulatedCluster.builder().nodes(waveSize()).seed(seed).profile(Profile.LAN)
                    .seedNodes(3).recordEvents(false).checkEvery(Duration.ofMillis(100)).build()) {
                c.events().subscribe(this::observe);
                boolean joined = join(c);
                joinConvergence = joined ? c.now().toMillis() : -1;
                c.nodes().forEach(node -> names.add(node.name()));
                bootstrapWall = (System.nanoTime() - wall0) / 1e9;
                bootstrapCpu = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e9;
                long wall1 = System.nanoTime();
                long cpu1 = cpu.getCurrentThreadCpuTime();
                long start = c.now().toMillis();
                c.network().loss(loss);
                // Let the join's gossip drain, then measure a minute with nothing happening.
                c.advance(SETTLE);
                long from = c.now().toMillis();
                Traffic t0 = c.traffic();
                c.advance(QUIET_WINDOW);
                quiet = c.traffic().minus(t0);
                faults(c, start);
                whole = c.traffic().minus(t0);
                wholeMillis = c.now().toMillis() - from;
                survivors = c.running().size();
                measuredWall = (System.nanoTime() - wall1) / 1e9;
                measuredCpu = (cpu.getCurrentThreadCpuTime() - cpu1) / 1e9;
                if (!c.errors().isEmpty()) {
                    System.out.println("node task errors: " + c.errors().size() + ", first: " + c.errors().get(0));
                }
            }
            return this;
        }

        /** Crashes spread over the measured time after the quiet window, one join half way. */
        void faults(SimulatedCluster c, long start) {
            long end = start + measured.toMillis();
            long from = c.now().toMillis();
            long span = Math.max(0, end - DETECTION_TAIL.toMillis() - from);
            long step = crashes > 0 ? span / crashes : span;
            SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
            List<SimulatedNode> candidates = new ArrayList<>(c.nodes().subList(3, n));
            for (int i = 0; i < crashes && !candidates.isEmpty(); i++) {
                SimulatedNode victim = candidates.remove(pick.nextInt(candidates.size()));
                crashedAt.put(victim.name(), c.now().toMillis());
                victim.crash();
                if (i == crashes / 2) {
                    c.advance(Duration.ofMillis(step / 2));
                    newcomer = c.addNode().name();
                    newcomerStart = c.now().toMillis();
                    c.advance(Duration.ofMillis(step - step / 2));
                } else {
                    c.advance(Duration.ofMillis(step));
                }
            }
            c.advance(Duration.ofMillis(Math.max(0, end - c.now().toMillis())));
        }

        void observe(ObservedEvent e) {
            String s = e.subject();
            long t = e.timeMillis();
            MembershipEvent.Type type = e.type();
            boolean victim = crashedAt.containsKey(s);
            if (type == MembershipEvent.Type.SUSPECTED) {
                if (victim) {
                    firstSuspicion.merge(s, t, Math::min);
                } else if (joinConvergence >= 0) {
                    falseSuspected++;
                }
            } else if (type == MembershipEvent.Type.FAILED) {
                if (victim) {
                    firstFailed.merge(s, t, Math::min);
                    lastFailed.merge(s, t, Math::max);
                    failedBy.computeIfAbsent(s, k -> new HashSet<>()).add(e.observer());
                } else if (joinConvergence >= 0) {
                    falseFailed++;
                }
            } else if (type == MembershipEvent.Type.JOINED && s.equals(newcomer) && !s.equals(e.observer())) {
                joinedBy.add(e.observer());
                newcomerLastJoined = Math.max(newcomerLastJoined, t);
            }
        }

        boolean allSee(SimulatedCluster c, int count) {
            for (SimulatedNode node : c.nodes()) {
                if (!node.isRunning() || node.liveCount() != count) {
                    return false;
                }
            }
            return true;
        }

        void print() {
            List<Long> suspicion = new ArrayList<>();
            List<Long> failedAll = new ArrayList<>();
            List<Long> dissemination = new ArrayList<>();
            int undetected = 0;
            for (Map.Entry<String, Long> e : crashedAt.entrySet()) {
                String v = e.getKey();
                Set<String> by = failedBy.getOrDefault(v, Set.of());
                if (!firstSuspicion.containsKey(v) || by.size() < survivors - 1) {
                    undetected++;
                    continue;
                }
                suspicion.add(firstSuspicion.get(v) - e.getValue());
                failedAll.add(lastFailed.get(v) - e.getValue());
                dissemination.add(lastFailed.get(v) - firstFailed.get(v));
            }
            double secs = wholeMillis / 1000.0;
            double qsecs = QUIET_WINDOW.toMillis() / 1000.0;
            double t = bounds.probeInterval().toMillis() / 1000.0;
            double pushPull = bounds.scaledPushPullInterval().toMillis() / 1000.0;
            double probeMsgs = 2 / t;
            double probeBytes = (WireSizes.ping(names.get(1), names.get(0)) + WireSizes.ack()) / t;
            double syncMsgs = 2 / pushPull;
            double syncBytes = 2.0 * WireSizes.pushPull(names) / pushPull;
            double expDetect = bounds.expectedFirstDetection().toMillis() / 1000.0;
            double expFailed = bounds.expectedFailedEverywhere().toMillis() / 1000.0;
            double expDiss = bounds.expectedDissemination().toMillis() / 1000.0;
            System.out.println();
            System.out.printf(Locale.ROOT, "## %,d nodes, LAN, loss %.1f%%, seed %d%n", n, loss * 100, seed);
            System.out.printf(Locale.ROOT, "bootstrap: %.1f s wall, %.1f s CPU; then %d simulated s: %.1f s wall, %.1f s CPU%n",
                    bootstrapWall, bootstrapCpu, measured.toSeconds(), measuredWall, measuredCpu);
            System.out.println();
            System.out.println("| metric | measured | theory | ratio |");
            System.out.println("|---|---|---|---|");
            if (waves == 1) {
                row("join convergence, all start at once (s)", joinConvergence / 1000.0, Double.NaN);
            } else {
                row(String.format(Locale.ROOT, "join convergence, %,d waves of %,d, all waves (s)", waves, waveSize()),
                        joinConvergence / 1000.0, Double.NaN);
                row("join convergence, first wave (all at once) (s)", waveConvergence.get(0) / 1000.0, Double.NaN);
                List<Long> later = waveConvergence.subList(1, waveConvergence.size());
                row("join convergence of one later wave, mean (s)", mean(later), Double.NaN);
                row("join convergence of one later wave, max (s)", pct(later, 100), Double.NaN);
            }
            double join = newcomerSeenByAll();
            row("one join seen by all (s)", join, expDiss);
            // Measured from the crash instant, so the theory is too: SWIM's periods plus the wait for the next one.
            double fromCrash = bounds.expectedFirstDetectionFromCrash().toMillis() / 1000.0;
            double d50 = bounds.firstDetectionFromCrashQuantile(0.5).toMillis() / 1000.0;
            double d99 = bounds.firstDetectionFromCrashQuantile(0.99).toMillis() / 1000.0;
            double rest = expFailed - expDetect;
            row("crash -> first suspicion, mean (s)", mean(suspicion), fromCrash);
            row("crash -> first suspicion p50 (s)", pct(suspicion, 50), d50);
            row("crash -> first suspicion p99 (s)", pct(suspicion, 99), d99);
            row("crash -> first suspicion, mean, against T/(1-e^-1) alone (s)", mean(suspicion), expDetect);
            row("crash -> FAILED on all, mean (s)", mean(failedAll), fromCrash + rest);
            row("crash -> FAILED on all p50 (s)", pct(failedAll, 50), d50 + rest);
            row("crash -> FAILED on all p99 (s)", pct(failedAll, 99), d99 + rest);
            row("first FAILED -> FAILED on all, mean (s)", mean(dissemination), expDiss);
            row("first FAILED -> FAILED on all p50 (s)", pct(dissemination, 50), expDiss);
            row("first FAILED -> FAILED on all p99 (s)", pct(dissemination, 99), expDiss);
            System.out.printf(Locale.ROOT, "| crashes detected everywhere | %d of %d | all | |%n",
                    crashedAt.size() - undetected, crashedAt.size());
            System.out.printf(Locale.ROOT, "| false FAILED (live nodes) | %d | 0 | |%n", falseFailed);
            System.out.printf(Locale.ROOT, "| false SUSPECTED (live nodes, refuted) | %d | | |%n", falseSuspected);
            row("datagrams/node/s, quiet minute", quiet.packetsSent() / (double) n / qsecs, probeMsgs);
            row("datagram bytes/node/s, quiet minute", quiet.packetBytesSent() / (double) n / qsecs, probeBytes);
            row("stream messages/node/s (push/pull, TCP pings), whole run", whole.streamsSent() / (double) n / secs, syncMsgs);
            row("stream bytes/node/s (push/pull, TCP pings), whole run", whole.streamBytesSent() / (double) n / secs, syncBytes);
            row("all messages/node/s, whole run", whole.messagesSent() / (double) n / secs, Double.NaN);
            row("all bytes/node/s, whole run", whole.bytesSent() / (double) n / secs, Double.NaN);
            System.out.println("join convergence: virtual time from the first start until every running node holds every node "
                    + "started so far as alive (or suspect)" + (waves == 1 ? "." : "; waves: the first wave starts at once, each "
                    + "further wave as soon as the previous one has converged, and a wave's convergence runs from its start."));
            System.out.printf(Locale.ROOT, "theory: T = %.1f s; first detection T/(1-e^-1) = %.2f s periods after the crash, "
                            + "%.2f s from the crash instant (T/2 to the next period on average); suspicion min %.1f s "
                            + "(max %.1f s); dissemination %.1f rounds x %d ms = %.2f s; FAILED on all = sum = %.2f s; "
                            + "quantiles of first detection from SWIM's model (a uniform wait for the next period, then "
                            + "undetected after k periods with probability (1-1/(n-1))^((n-1)k)); datagrams of a quiet cluster = ping + ack per T; push/pull = request + reply per %.0f s (full state each way)%n",
                    t, expDetect, fromCrash, bounds.suspicionMin().toMillis() / 1000.0, bounds.suspicionMax().toMillis() / 1000.0,
                    bounds.expectedDisseminationRounds(), bounds.gossipInterval().toMillis(), expDiss, fromCrash + rest, pushPull);
        }

        double newcomerSeenByAll() {
            return newcomer == null || joinedBy.size() < survivors - 1 ? Double.NaN
                    : (newcomerLastJoined - newcomerStart) / 1000.0;
        }

        static double mean(List<Long> values) {
            return values.isEmpty() ? Double.NaN
                    : values.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1000.0;
        }

        static double pct(List<Long> values, int p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Long> sorted = new ArrayList<>(values);
            sorted.sort(Long::compare);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
        }

        static void row(String metric, double measured, double theory) {
            String ratio = Double.isNaN(theory) || Double.isNaN(measured) ? "" : String.format(Locale.ROOT, "%.2f", measured / theory);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", metric, fmt(measured), fmt(theory), ratio);
        }

        static String fmt(double v) {
            if (Double.isNaN(v)) {
                return "";
            }
            return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
        }
    }
}
