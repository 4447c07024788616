package io.grapevine.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** CPU time and resident memory of a process, read from Linux's /proc. */
final class ProcStats {
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {
    }

    /** @return user + system CPU seconds the process used so far (all its threads), or NaN when gone */
    static double cpuSeconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * The JVM's JIT compiler threads keep compiling for minutes at a low message rate; a Go
     * binary has no such warm-up. The process's CPU minus theirs is its steady state. (Summing
     * the other threads instead would lose the rounding of every thread and the time of threads
     * that ended.)
     *
     * @return thread id -> user + system CPU seconds, for the threads named {@code C1/C2 CompilerThread}
     */
    static Map<String, Double> jitCpuSeconds(long pid) {
        Map<String, Double> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.matches("C\\d CompilerThre.*")) {
                        threads.put(task.getFileName().toString(), ticks(stat) / TICKS_PER_SECOND);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return threads;
    }

    /**
     * The JVM starts and stops compiler threads as work comes and goes, so JIT time is summed
     * per thread: a thread that ended between the snapshots loses only its own last slice.
     *
     * @return JIT CPU seconds spent between two snapshots of {@link #jitCpuSeconds(long)}
     */
    static double jitSecondsBetween(Map<String, Double> before, Map<String, Double> after) {
        return after.entrySet().stream()
                .mapToDouble(e -> Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .sum();
    }

    private static double ticks(String stat) {
        // The command name in field 2 may hold spaces; the fields after it are plain numbers.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }

    /** @return the resident set size in MiB, or NaN when the process is gone */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return Double.NaN;
    }

    private static long ticksPerSecond() {
        Commands.Result r = Commands.run(List.of("getconf", "CLK_TCK"), null, Duration.ofSeconds(5));
        try {
            return r.ok() ? Long.parseLong(r.output().trim()) : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
