package io.grapevine.bench.peers;

import io.grapevine.bench.peers.MemberProcess.Launch;
import io.grapevine.bench.peers.PeerKind.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one implementation's cluster through the benchmark: cold start until every member sees
 * every other alive, a rest window that counts bytes and CPU, then SIGKILLs of one member at a
 * time, timing how long until every survivor reports it failed. Every process is reaped at the
 * end, whatever happened.
 */
final class PeerRun {
    private static final Duration SEED_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DETECT_TIMEOUT = Duration.ofSeconds(90);
    private static final long BETWEEN_KILLS_MILLIS = 2_000;
    private static final double NANOS = 1e9;

    private final PeersOptions options;
    private final NftCounters nft;
    private final Path logDir;

    PeerRun(PeersOptions options, NftCounters nft, Path logDir) {
        this.options = options;
        this.nft = nft;
        this.logDir = logDir;
    }

    PeerResult run(PeerKind kind) throws InterruptedException {
        int n = options.nodes();
        FreePorts ports = new FreePorts();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(new Member(kind.namePrefix() + i, ports.next(), ports.next()));
        }
        List<String> names = members.stream().map(Member::name).toList();
        if (nft != null) {
            nft.countPorts(members.stream().map(Member::port).toList());
        }
        ClusterLog log = new ClusterLog(names);
        List<Launch> launches = kind.launches(members);
        List<MemberProcess> procs = new ArrayList<>();
        Builder result = new Builder(kind.label(), n, log);
        try {
            progress(kind, "starting " + n + " members in " + launches.size() + " process(es)");
            long t0 = System.nanoTime();
            procs.add(start(kind, launches.get(0), log));
            if (!ClusterLog.await(() -> log.allReady(launches.get(0).names()), SEED_TIMEOUT)) {
                return result.fail("seed did not start within " + SEED_TIMEOUT.toSeconds() + " s");
            }
            for (Launch l : launches.subList(1, launches.size())) {
                procs.add(start(kind, l, log));
            }
            if (!ClusterLog.await(() -> log.converged().isPresent(), options.converge())) {
                return result.fail("no convergence within " + options.converge().toSeconds() + " s; alive counts "
                        + log.aliveCounts());
            }
            long converged = log.converged().getAsLong();
            result.convergedAt = converged;
            result.startSeconds = (converged - t0) / NANOS;
            result.startAfterReady = (converged - log.lastReady(names).orElse(converged)) / NANOS;
            result.cpuStart = cpuSeconds(procs) / n;
            progress(kind, String.format("converged %.2f s after the first launch", result.startSeconds));
            String problem = kind.verify(members);
            if (problem != null) {
                result.notes.add(problem);
            }
            restWindow(procs, n, result);
            if (launches.size() == n) {
                crashes(kind, procs, names, log, result);
            }
            return result.build();
        } finally {
            procs.forEach(MemberProcess::signalStop);
            procs.forEach(MemberProcess::close);
        }
    }

    private MemberProcess start(PeerKind kind, Launch launch, ClusterLog log) {
        Path file = logDir.resolve(kind.namePrefix() + "-" + launch.names().get(0) + ".log");
        return MemberProcess.start(launch, kind.parser(launch, log), file);
    }

    private void restWindow(List<MemberProcess> procs, int n, Builder result) throws InterruptedException {
        Thread.sleep(options.settle().toMillis());
        long bytes0 = nft != null ? nft.bytes() : -1;
        double cpu0 = cpuSeconds(procs);
        List<Map<String, Double>> jit0 = procs.stream().map(p -> ProcStats.jitCpuSeconds(p.pid())).toList();
        long w0 = System.nanoTime();
        Thread.sleep(options.rest().toMillis());
        long bytes1 = nft != null ? nft.bytes() : -1;
        double cpu1 = cpuSeconds(procs);
        double jit = 0;
        for (int i = 0; i < procs.size(); i++) {
            jit += ProcStats.jitSecondsBetween(jit0.get(i), ProcStats.jitCpuSeconds(procs.get(i).pid()));
        }
        double seconds = (System.nanoTime() - w0) / NANOS;
        if (bytes0 >= 0 && bytes1 >= 0) {
            result.bytes = (bytes1 - bytes0) / seconds / n;
        }
        result.cpuRest = (cpu1 - cpu0) * 1000 / seconds / n;
        result.cpuRestWithoutJit = (cpu1 - cpu0 - jit) * 1000 / seconds / n;
        result.rss = procs.stream().mapToDouble(p -> ProcStats.rssMiB(p.pid())).sum() / n;
    }

    private void crashes(PeerKind kind, List<MemberProcess> procs, List<String> names, ClusterLog log,
                         Builder result) throws InterruptedException {
        for (int r = 0; r < options.repeats(); r++) {
            MemberProcess victim = procs.get(procs.size() - 1 - r);
            String name = victim.names().get(0);
            Set<String> survivors = new HashSet<>(names.subList(0, names.size() - 1 - r));
            long killedAt = System.nanoTime();
            log.killing(name, killedAt);
            victim.kill();
            boolean all = ClusterLog.await(() -> log.failedReports(name).keySet().containsAll(survivors), DETECT_TIMEOUT);
            Map<String, Long> reports = log.failedReports(name);
            long last = Long.MIN_VALUE;
            long first = Long.MAX_VALUE;
            for (String s : survivors) {
                Long t = reports.get(s);
                if (t == null) {
                    result.missed++;
                } else {
                    last = Math.max(last, t);
                    first = Math.min(first, t);
                }
            }
            if (first != Long.MAX_VALUE) {
                result.first.add((first - killedAt) / NANOS);
            }
            if (all) {
                result.everywhere.add((last - killedAt) / NANOS);
                long suspected = log.suspectedAfterKill(name).orElse(Long.MAX_VALUE);
                if (suspected <= last) {
                    result.toSuspicion.add((suspected - killedAt) / NANOS);
                    result.suspectToEverywhere.add((last - suspected) / NANOS);
                }
            }
            progress(kind, String.format("killed %s: first report %.2f s, all %d survivors %s", name,
                    first == Long.MAX_VALUE ? Double.NaN : (first - killedAt) / NANOS, survivors.size(),
                    all ? String.format("%.2f s", (last - killedAt) / NANOS) : "NOT within " + DETECT_TIMEOUT.toSeconds() + " s"));
            Thread.sleep(BETWEEN_KILLS_MILLIS);
        }
    }

    private static double cpuSeconds(List<MemberProcess> procs) {
        return procs.stream().mapToDouble(p -> ProcStats.cpuSeconds(p.pid())).filter(v -> !Double.isNaN(v)).sum();
    }

    private static void progress(PeerKind kind, String what) {
        System.err.println("[" + kind.label() + "] " + what);
    }

    /** Collects the figures while the run goes. */
    private static final class Builder {
        final String label;
        final int nodes;
        final ClusterLog log;
        long convergedAt;
        double startSeconds = Double.NaN;
        double startAfterReady = Double.NaN;
        double cpuStart = Double.NaN;
        double bytes = Double.NaN;
        double cpuRest = Double.NaN;
        double cpuRestWithoutJit = Double.NaN;
        double rss = Double.NaN;
        final List<Double> everywhere = new ArrayList<>();
        final List<Double> first = new ArrayList<>();
        final List<Double> toSuspicion = new ArrayList<>();
        final List<Double> suspectToEverywhere = new ArrayList<>();
        final long startedAt = System.nanoTime();
        final List<String> notes = new ArrayList<>();
        int missed;

        Builder(String label, int nodes, ClusterLog log) {
            this.label = label;
            this.nodes = nodes;
            this.log = log;
        }

        PeerResult fail(String error) {
            System.err.println("[" + label + "] FAILED: " + error);
            return result(error);
        }

        PeerResult build() {
            return result(null);
        }

        private PeerResult result(String error) {
            boolean formed = !Double.isNaN(startSeconds);
            long end = System.nanoTime();
            int suspected = formed ? log.liveSuspectedAfter(convergedAt) : 0;
            int atStart = log.falsePositives(startedAt, formed ? convergedAt : end);
            int afterwards = formed ? log.falsePositives(convergedAt, end) : 0;
            return new PeerResult(label, nodes, error, startSeconds, startAfterReady, cpuStart, everywhere, first,
                    toSuspicion, suspectToEverywhere, missed, atStart, afterwards, suspected, bytes, cpuRest,
                    cpuRestWithoutJit, rss, notes);
        }
    }
}
