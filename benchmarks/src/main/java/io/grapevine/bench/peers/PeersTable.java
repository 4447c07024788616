package io.grapevine.bench.peers;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Prints the results as one markdown table (rows = metrics, columns = implementations, then
 * Grapevine's ratios to each peer) and checks the goals against it.
 */
final class PeersTable {
    static final String SERF = "serf";
    static final String GRAPEVINE = "Grapevine";
    static final String GRAPEVINE_SHARED = "Grapevine, N in 1 JVM";
    static final String SC_DEFAULT = "ScaleCube default";
    static final String SC_TUNED = "ScaleCube tuned";

    private record Row(String name, ToDoubleFunction<PeerResult> value, String format, boolean ratio) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("cold start -> all see N alive (s)", PeerResult::startSeconds, "%.2f", true),
            new Row("  of which after the last member started (s)", PeerResult::startAfterReady, "%.2f", true),
            new Row("crash -> failed everywhere, p50 (s)", r -> PeerResult.median(r.everywhere()), "%.2f", true),
            new Row("crash -> failed everywhere, max (s)", r -> PeerResult.max(r.everywhere()), "%.2f", true),
            new Row("crash -> first survivor reports, p50 (s)", r -> PeerResult.median(r.first()), "%.2f", true),
            new Row("  crash -> first suspicion, p50 (s)", r -> PeerResult.median(r.toSuspicion()), "%.2f", true),
            new Row("  first suspicion -> failed everywhere, p50 (s)", r -> PeerResult.median(r.suspectToEverywhere()), "%.2f", true),
            new Row("survivor reports missing after 90 s", r -> r.everywhere().isEmpty() && r.first().isEmpty() ? Double.NaN : r.missedReports(), "%.0f", false),
            new Row("false positives during cold start (reports)", PeerResult::falseAtStart, "%.0f", false),
            new Row("false positives after convergence (reports)", r -> Double.isNaN(r.startSeconds()) ? Double.NaN : r.falseAfterwards(), "%.0f", false),
            new Row("live members suspected after convergence", r -> r.label().startsWith("ScaleCube") || Double.isNaN(r.startSeconds()) ? Double.NaN : r.liveSuspected(), "%.0f", false),
            new Row("bytes per node per s at rest (IP)", PeerResult::bytesPerNodeSecond, "%.0f", true),
            new Row("CPU per node at rest (ms/s)", PeerResult::cpuRestMillis, "%.2f", true),
            new Row("  the same without JIT compiler threads (ms/s)", PeerResult::cpuRestNoJit, "%.2f", true),
            new Row("CPU per node, launch -> converged (s)", PeerResult::cpuStartPerNode, "%.2f", true),
            new Row("RSS per node (MiB)", PeerResult::rssMiBPerNode, "%.1f", true));

    private PeersTable() {
    }

    static void print(List<PeerResult> results, PrintStream out) {
        Optional<PeerResult> g = find(results, GRAPEVINE);
        Optional<PeerResult> gShared = find(results, GRAPEVINE_SHARED);
        List<String> head = new ArrayList<>(List.of("metric"));
        results.forEach(r -> head.add(r.label()));
        List<Optional<PeerResult>> peers = List.of(find(results, SERF), find(results, SC_DEFAULT), find(results, SC_TUNED));
        List<String> ratioHeads = List.of("G/serf", "G/SC default", "G/SC tuned");
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).isPresent() && (g.isPresent() || gShared.isPresent())) {
                head.add(ratioHeads.get(i));
            }
        }
        boolean sharedRatio = gShared.isPresent() && peers.get(0).isPresent();
        if (sharedRatio) {
            head.add("G 1 JVM/serf");
        }
        out.println("| " + String.join(" | ", head) + " |");
        out.println("|" + "---|".repeat(head.size()));
        for (Row row : ROWS) {
            List<String> cells = new ArrayList<>(List.of(row.name()));
            results.forEach(r -> cells.add(format(row.format(), row.value().applyAsDouble(r))));
            for (Optional<PeerResult> peer : peers) {
                if (peer.isPresent() && (g.isPresent() || gShared.isPresent())) {
                    cells.add(row.ratio() ? ratio(g, peer, row) : "-");
                }
            }
            if (sharedRatio) {
                cells.add(row.ratio() ? ratio(gShared, peers.get(0), row) : "-");
            }
            out.println("| " + String.join(" | ", cells) + " |");
        }
        results.stream().filter(r -> r.error() != null)
                .forEach(r -> out.println("\n" + r.label() + " stopped early: " + r.error()));
        results.forEach(r -> r.notes().forEach(note -> out.println("\n" + r.label() + ": " + note)));
        goals(g, gShared, peers.get(0), peers.get(1), results, out);
    }

    private static void goals(Optional<PeerResult> g, Optional<PeerResult> gShared, Optional<PeerResult> serf,
                              Optional<PeerResult> scDefault, List<PeerResult> results, PrintStream out) {
        out.println();
        out.println("Goals:");
        ToDoubleFunction<PeerResult> everywhere = r -> PeerResult.median(r.everywhere());
        goal(out, "crash -> failed everywhere (p50) <= 1.0x serf", g, serf, everywhere, 1.0);
        goal(out, "crash -> failed everywhere (p50) <= 0.25x ScaleCube default", g, scDefault, everywhere, 0.25);
        long falsePositives = results.stream().filter(r -> r.label().startsWith(GRAPEVINE))
                .mapToLong(PeerResult::falsePositives).sum();
        out.println("- zero false positives in every Grapevine run: "
                + (falsePositives == 0 ? "met" : "MISSED (" + falsePositives + " reports)"));
        goal(out, "bytes per node per s <= 1.0x serf", g, serf, PeerResult::bytesPerNodeSecond, 1.0);
        goal(out, "CPU per node at rest <= 1.5x serf (process per node)", g, serf, PeerResult::cpuRestMillis, 1.5);
        goal(out, "CPU per node at rest, JIT threads excluded, <= 1.5x serf (process per node)", g, serf,
                PeerResult::cpuRestNoJit, 1.5);
        goal(out, "CPU per node at rest <= 1.5x serf (N in 1 JVM)", gShared, serf, PeerResult::cpuRestMillis, 1.5);
        goal(out, "memory per node, N in 1 JVM, <= 2x serf RSS", gShared, serf, PeerResult::rssMiBPerNode, 2.0);
    }

    private static void goal(PrintStream out, String what, Optional<PeerResult> ours, Optional<PeerResult> theirs,
                             ToDoubleFunction<PeerResult> metric, double bound) {
        if (ours.isEmpty() || theirs.isEmpty()) {
            out.println("- " + what + ": not measured");
            return;
        }
        double ratio = metric.applyAsDouble(ours.get()) / metric.applyAsDouble(theirs.get());
        String verdict = Double.isNaN(ratio) ? "not measured"
                : ratio <= bound ? "met" : String.format(Locale.ROOT, "MISSED by %.0f%%", (ratio / bound - 1) * 100);
        out.println(String.format(Locale.ROOT, "- %s: %.2fx -> %s", what, ratio, verdict));
    }

    private static String ratio(Optional<PeerResult> ours, Optional<PeerResult> theirs, Row row) {
        if (ours.isEmpty()) {
            return "-";
        }
        return format("%.2f", row.value().applyAsDouble(ours.get()) / row.value().applyAsDouble(theirs.get()));
    }

    private static String format(String format, double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static Optional<PeerResult> find(List<PeerResult> results, String label) {
        return results.stream().filter(r -> r.label().equals(label)).findFirst();
    }
}
