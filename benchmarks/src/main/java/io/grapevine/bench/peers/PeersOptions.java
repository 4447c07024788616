package io.grapevine.bench.peers;

import java.time.Duration;
import java.util.List;

/**
 * Options of {@code peers}.
 *
 * @param nodes    members per cluster
 * @param repeats  SIGKILLs per cluster, one member after another
 * @param settle   wait after convergence before the rest window
 * @param rest     the rest window over which bytes and CPU are counted
 * @param converge how long a cold start may take before the cluster is given up
 * @param only     which columns to run (all when empty)
 * @param jvmOpts  options for every member JVM (Grapevine and ScaleCube alike)
 * @param serf     the serf binary
 */
record PeersOptions(int nodes, int repeats, Duration settle, Duration rest, Duration converge, List<String> only,
                    List<String> jvmOpts, String serf) {
    static final List<String> COLUMNS = List.of("serf", "grapevine", "grapevine-1jvm", "scalecube", "scalecube-tuned");
    static final String USAGE = "peers [--nodes 16] [--repeats 3] [--rest-seconds 30] [--settle-seconds 60] [--converge-seconds 180]"
            + " [--only " + String.join(",", COLUMNS) + "] [--jvm-opts '-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1 -XX:-UsePerfData'] [--serf /usr/bin/serf]";

    static PeersOptions parse(String[] args) {
        int nodes = 16;
        int repeats = 3;
        long settle = 60;
        long rest = 30;
        long converge = 180;
        List<String> only = List.of();
        // A member process does little work: C1-compiled code reaches its steady state within a
        // minute, and without perf data the JVM does not wake 20 times a second to sample it.
        List<String> jvmOpts = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
        String serf = "serf";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value; usage: " + USAGE);
            }
            String v = args[++i];
            switch (args[i - 1]) {
                case "--nodes" -> nodes = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                case "--settle-seconds" -> settle = Long.parseLong(v);
                case "--rest-seconds" -> rest = Long.parseLong(v);
                case "--converge-seconds" -> converge = Long.parseLong(v);
                case "--only" -> only = List.of(v.split(","));
                case "--jvm-opts" -> jvmOpts = List.of(v.trim().split("\\s+"));
                case "--serf" -> serf = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + "; usage: " + USAGE);
            }
        }
        if (nodes < 3 || nodes > 128) {
            throw new IllegalArgumentException("--nodes must be in [3, 128]");
        }
        if (repeats < 0 || repeats > nodes - 2) {
            throw new IllegalArgumentException("--repeats must be in [0, nodes - 2]");
        }
        if (rest < 1 || rest > 600 || settle < 0 || settle > 600 || converge < 1 || converge > 1800) {
            throw new IllegalArgumentException("--rest-seconds in [1, 600], --settle-seconds in [0, 600], --converge-seconds in [1, 1800]");
        }
        for (String c : only) {
            if (!COLUMNS.contains(c)) {
                throw new IllegalArgumentException("--only takes " + COLUMNS + ", not " + c);
            }
        }
        return new PeersOptions(nodes, repeats, Duration.ofSeconds(settle), Duration.ofSeconds(rest), Duration.ofSeconds(converge), only, jvmOpts, serf);
    }

    boolean runs(String column) {
        return only.isEmpty() || only.contains(column);
    }
}
