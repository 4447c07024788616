package io.grapevine.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The markdown section for {@code docs/benchmarks.md}: every measured victim, the medians per
 * kind, the Grapevine-to-serf ratio, the machine and the command that reproduces it.
 */
final class DetectionReport {
    static final String HEADING = "## Serf interop: failure detection";
    static final String COMMAND = "mvn -B verify -pl interop-tests -am -Dtest=SerfFailureDetectionTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dgrapevine.detection.rounds=";

    private DetectionReport() {
    }

    /**
     * @param results     every victim measured, in order
     * @param rounds      rounds run (one serf and one Grapevine victim each)
     * @param bound       the Lifeguard bound asserted
     * @param clusterSize members including the victim
     * @return the section, heading included
     */
    static String markdown(List<Detection> results, int rounds, Duration bound, int clusterSize) {
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        md.append("A mixed cluster of ").append(clusterSize).append(" members on loopback (3 `serf agent`s, 2 Grapevine ")
                .append("nodes in the test JVM, 1 Grapevine node process), LAN timings on both sides (probe interval 1 s, ")
                .append("probe timeout 500 ms, suspicion multiplier 4). In each round one serf agent and then one ")
                .append("Grapevine node process are killed with SIGKILL, each after the cluster has re-formed with all ")
                .append("six alive; each victim is restarted under the same name before the next kill. Times run from ")
                .append("the moment the victim's process is gone until a survivor reports it failed (`serf members` says `failed`, a ")
                .append("Grapevine view says `DEAD`); every survivor is polled every ")
                .append(Detection.POLL.toMillis()).append(" ms. *First* is the first survivor to know, *last* is when ")
                .append("every survivor knows. The test asserts only the Lifeguard bound (")
                .append(String.format(Locale.ROOT, "%.1f s", bound.toMillis() / 1000.0)).append(" for n = ")
                .append(clusterSize).append("), never these figures.\n\n");
        md.append("| victim | kind | first | last | every survivor |\n|---|---|---|---|---|\n");
        for (Detection d : results) {
            md.append("| ").append(d.victim()).append(" | ").append(d.kind()).append(" | ")
                    .append(seconds(d.first().getValue())).append(" (").append(d.first().getKey()).append(") | ")
                    .append(seconds(d.last().getValue())).append(" (").append(d.last().getKey()).append(") | ")
                    .append(d.byObserver().entrySet().stream().map(e -> e.getKey() + " " + seconds(e.getValue()))
                            .collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        double serfFirst = median(results, "serf", true);
        double serfLast = median(results, "serf", false);
        double gFirst = median(results, "grapevine", true);
        double gLast = median(results, "grapevine", false);
        md.append("\n| victim kind | median first | median last |\n|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| serf agent | %.2f s | %.2f s |%n", serfFirst, serfLast));
        md.append(String.format(Locale.ROOT, "| Grapevine node | %.2f s | %.2f s |%n", gFirst, gLast));
        md.append(String.format(Locale.ROOT, "%nRatio Grapevine victim / serf victim: **%.2f** (last survivor), %.2f "
                + "(first survivor), over %d round(s).%n%n", gLast / serfLast, gFirst / serfFirst, rounds));
        md.append("Reproduce (needs `serf` on the PATH):\n\n```\n").append(COMMAND).append(rounds).append("\n```\n\n");
        md.append("The test prints this section and writes it to `interop-tests/target/interop/serf-failure-detection.md`.\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (`nproc`), ")
                .append(cpuModel()).append("; ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; serf ")
                .append(SerfCondition.installedVersion()).append("; load average at the end of the run ")
                .append(loadAverage()).append(" (a shared machine: the figures of a loaded one are pessimistic).\n");
        return md.toString();
    }

    /**
     * @param section the markdown
     * @param file    where to write it
     */
    static void write(String section, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, section);
    }

    private static double median(List<Detection> results, String kind, boolean first) {
        double[] v = results.stream().filter(d -> d.kind().equals(kind))
                .mapToDouble(d -> (first ? d.first() : d.last()).getValue().toMillis() / 1000.0).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
