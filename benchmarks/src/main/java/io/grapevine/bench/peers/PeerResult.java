package io.grapevine.bench.peers;

import java.util.List;

/**
 * What one cluster run measured; NaN (or empty lists) where a figure was not measured.
 *
 * @param label              the implementation
 * @param nodes              cluster size
 * @param error              why the run stopped early, or null
 * @param startSeconds       launch of the seed -> every member reports all N alive
 * @param startAfterReady    the last member reports itself started -> every member reports all N alive
 * @param cpuStartPerNode    CPU seconds per member from launch to that moment
 * @param everywhere         per SIGKILL: seconds until the last survivor reported the victim failed
 * @param first              per SIGKILL: seconds until the first survivor did
 * @param toSuspicion        per SIGKILL: seconds until the first suspicion of the victim (not ScaleCube, which does
 *                           not report suspicions): mostly the luck of when someone next probes the victim
 * @param suspectToEverywhere per SIGKILL: seconds from that suspicion to the last report: the suspicion timeout and
 *                           the spread of the verdict
 * @param missedReports      survivors that never reported a victim failed within the deadline
 * @param falseAtStart       reports of a member as failed, removed or left while it was running, during the cold
 *                           start (the whole run when the cluster never formed)
 * @param falseAfterwards    the same, from convergence to the end of the run
 * @param liveSuspected      never-killed members that someone suspected after convergence (serf, Grapevine: not
 *                           ScaleCube, which does not report suspicions)
 * @param bytesPerNodeSecond IP bytes on the members' ports per member per second, cluster at rest
 * @param cpuRestMillis      CPU milliseconds per member per second, cluster at rest
 * @param cpuRestNoJit       the same without the JVM's JIT compiler threads (still warming up)
 * @param rssMiBPerNode      resident memory per member at the end of the rest window
 * @param notes              anything the reader should know
 */
record PeerResult(String label, int nodes, String error, double startSeconds, double startAfterReady,
                  double cpuStartPerNode, List<Double> everywhere, List<Double> first,
                  List<Double> toSuspicion, List<Double> suspectToEverywhere, int missedReports,
                  int falseAtStart, int falseAfterwards, int liveSuspected, double bytesPerNodeSecond, double cpuRestMillis, double cpuRestNoJit,
                  double rssMiBPerNode, List<String> notes) {

    /** @return false positives over the whole run */
    int falsePositives() {
        return falseAtStart + falseAfterwards;
    }

    /** @return the median, NaN for none */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** @return the maximum, NaN for none */
    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
