package io.grapevine.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** CPU time and resident memory of a process, read from Linux's /proc. */
final class ProcStats {
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {
    }

    /** @return user + system CPU seconds the process used so far (all its threads), or NaN when gone */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in field 2 may hold spaces; fields after it are plain numbers.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return (double) ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
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
