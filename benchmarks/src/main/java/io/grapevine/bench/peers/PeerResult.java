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
 * @param suspectToEverywhere per SIGKILL: seconds from the first suspicion of the victim to the last report (not
 *                           ScaleCube, which does not report suspicions): the suspicion timeout and the spread,
 *                           without the luck of when the victim was next probed
 * @param missedReports      survivors that never reported a victim failed within the deadline
 * @param falsePositives     reports of a member as failed, removed or left while it was running
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
                  List<Double> suspectToEverywhere, int missedReports,
                  int falsePositives, int liveSuspected, double bytesPerNodeSecond, double cpuRestMillis, double cpuRestNoJit,
                  double rssMiBPerNode, List<String> notes) {

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
