package io.grapevine.kv.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.KvClient;
import io.grapevine.kv.KvResponse;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code grapevine-kv.jar cluster --nodes N}: starts N node processes on loopback, each logging to
 * its own file, prints where they listen, waits until every node sees every member alive and
 * agrees on the ring, then stays in the foreground until Ctrl-C, which stops them all.
 *
 * <p>Ports: HTTP from {@code --http-port} (default 8080) and gossip from {@code --gossip-port}
 * (default 7946) upwards, one per node; a port that is taken is replaced by a free one. Port 0
 * picks free ports throughout. Node options (replication, profile, grace periods, ...) are passed
 * on to every node.
 */
public final class ClusterLauncher {
    private static final Set<String> OWN = Set.of("nodes", "dir", "data-dir", "http-port", "gossip-port", "zones",
        "ready-timeout");
    private static final Set<String> FORWARDED = Set.of("replication", "partitions", "w", "r", "profile",
        "max-value-bytes", "tombstone-grace", "failed-grace", "repair-interval", "repair-concurrency",
        "request-timeout", "max-in-flight");
    private static final Set<String> SWITCHES = Set.of("fsync");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<Child> children = new ArrayList<>();
    private final PrintStream out;

    private ClusterLauncher(PrintStream out) {
        this.out = out;
    }

    /**
     * @param argv options
     * @param out  where progress goes
     * @return the exit code (returns only when every node has exited on its own)
     * @throws Exception when a node process cannot be started
     */
    public static int run(String[] argv, PrintStream out) throws Exception {
        Set<String> valued = new HashSet<>(OWN);
        valued.addAll(FORWARDED);
        Args a = Args.parse(argv, valued, SWITCHES);
        if (!a.positional().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + a.positional().get(0));
        }
        return new ClusterLauncher(out).launch(a);
    }

    private int launch(Args a) throws Exception {
        int n = a.getInt("nodes", 3);
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("--nodes must be 1..64");
        }
        int zones = a.getInt("zones", 0);
        Path dir = Path.of(a.get("dir", "grapevine-cluster"));
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", null)) : null;
        Files.createDirectories(dir);
        List<String> forwarded = new ArrayList<>();
        for (Map.Entry<String, List<String>> o : a.options().entrySet()) {
            if (FORWARDED.contains(o.getKey())) {
                forwarded.add("--" + o.getKey());
                forwarded.add(o.getValue().get(o.getValue().size() - 1));
            } else if (SWITCHES.contains(o.getKey())) {
                forwarded.add("--" + o.getKey());
            }
        }
        Set<Integer> taken = new HashSet<>();
        int httpBase = a.getInt("http-port", 8080);
        int gossipBase = a.getInt("gossip-port", 7946);
        List<Child> plan = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int http = freePort(httpBase == 0 ? 0 : httpBase + i - 1, false, taken);
            int gossip = freePort(gossipBase == 0 ? 0 : gossipBase + i - 1, true, taken);
            int repair = freePort(0, false, taken);
            Path data = dataDir == null ? null : dataDir.resolve("n" + i);
            plan.add(new Child("n" + i, http, gossip, repair, data, dir.resolve("n" + i + ".log"), zones > 0 ? "z" + ((i - 1) % zones + 1) : null));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "grapevine-cluster-stop"));
        for (Child c : plan) {
            List<String> seeds = new ArrayList<>();
            for (Child s : plan.subList(0, Math.min(2, plan.size()))) {
                if (s != c) {
                    seeds.add("127.0.0.1:" + s.gossip);
                }
            }
            c.start(seeds, forwarded);
            children.add(c);
        }
        printPlan(n, dir, dataDir);
        long t0 = System.nanoTime();
        Duration readyTimeout = a.getDuration("ready-timeout", Duration.ofSeconds(90));
        String digest = awaitReady(n, readyTimeout);
        double took = (System.nanoTime() - t0) / 1e9;
        if (digest != null) {
            out.printf("%nCluster ready in %.1f s: every node sees %d members alive and routes with ring %s.%n",
                took, n, digest.substring(0, Math.min(8, digest.length())));
        } else {
            out.printf("%nNot every node sees every member yet after %.0f s; see the logs in %s. Still running.%n",
                took, dir);
        }
        printTryIt();
        return watch();
    }

    private void printPlan(int n, Path dir, Path dataDir) {
        out.printf("Starting %d Grapevine KV nodes on loopback (%s; one log file per node in %s)%n%n", n,
            dataDir == null ? "data in memory" : "data in " + dataDir, dir);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "PID", "HTTP", "GOSSIP", "DATA", "LOG", "ZONE"});
        for (Child c : children) {
            rows.add(new String[] {c.name, String.valueOf(c.process.pid()), c.url(), "127.0.0.1:" + c.gossip,
                c.data == null ? "memory" : c.data.toString(), c.log.toString(), c.zone == null ? "-" : c.zone});
        }
        ClientCommands.printTable(rows, out);
        out.println();
        out.println("Dashboard: " + children.get(0).url() + "/");
        out.println();
        out.println("Waiting until every node sees every member alive...");
    }

    /** @return the agreed ring digest, or null on timeout */
    private String awaitReady(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastLine = "";
        List<KvClient> clients = new ArrayList<>();
        for (Child c : children) {
            clients.add(KvClient.create(c.url(), Duration.ofSeconds(2), 2));
        }
        try {
            while (System.nanoTime() < deadline) {
                StringBuilder line = new StringBuilder("  ");
                Set<String> digests = new HashSet<>();
                int ready = 0;
                for (int i = 0; i < children.size(); i++) {
                    Child c = children.get(i);
                    String seen;
                    if (!c.process.isAlive()) {
                        seen = "exited (see " + c.log + ")";
                    } else {
                        JsonNode cluster = fetch(clients.get(i));
                        if (cluster == null) {
                            seen = "starting";
                        } else {
                            int alive = 0;
                            for (JsonNode m : cluster.path("members")) {
                                alive += "ALIVE".equals(m.path("state").asText()) ? 1 : 0;
                            }
                            seen = alive + "/" + n;
                            digests.add(cluster.path("ring").path("digest").asText(""));
                            if (alive == n) {
                                ready++;
                            }
                        }
                    }
                    line.append(c.name).append(' ').append(seen).append("   ");
                }
                String l = line.toString().stripTrailing();
                if (!l.equals(lastLine)) {
                    out.println(l);
                    lastLine = l;
                }
                if (ready == n && digests.size() == 1) {
                    return digests.iterator().next();
                }
                Thread.sleep(500);
            }
            return null;
        } finally {
            clients.forEach(KvClient::close);
        }
    }

    private static JsonNode fetch(KvClient client) {
        try {
            KvResponse r = client.cluster().block(Duration.ofSeconds(3));
            return r != null && r.ok() ? r.json() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void printTryIt() {
        String jar = jarCommand();
        String first = children.get(0).url();
        String other = children.get(children.size() > 1 ? 1 : 0).url();
        out.println();
        out.println("Try:");
        out.println("  " + jar + " put hello world --node " + first);
        out.println("  " + jar + " get hello --node " + other);
        out.println("  " + jar + " status --node " + first);
        out.println("  curl -i " + other + "/kv/hello");
        out.println();
        out.println("Ctrl-C stops every node.");
        out.flush();
    }

    private static String jarCommand() {
        String cp = System.getProperty("java.class.path", "");
        return cp.endsWith(".jar") && !cp.contains(File.pathSeparator) ? "java -jar " + cp : "java -jar grapevine-kv.jar";
    }

    /** Stays in the foreground, reporting nodes that exit; returns when all have. */
    private int watch() throws InterruptedException {
        Set<String> reported = new HashSet<>();
        while (true) {
            int alive = 0;
            for (Child c : children) {
                if (c.process.isAlive()) {
                    alive++;
                } else if (reported.add(c.name)) {
                    out.println(c.name + " exited with code " + c.process.exitValue() + " (log: " + c.log + ")");
                }
            }
            if (alive == 0) {
                out.println("every node has exited");
                return 1;
            }
            Thread.sleep(1000);
        }
    }

    /** Stops every node: SIGTERM, then SIGKILL for those still running after 15 s. */
    private void stopAll() {
        List<Child> running = new ArrayList<>();
        for (Child c : children) {
            if (c.process.isAlive()) {
                c.process.destroy();
                running.add(c);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        out.println();
        out.println("Stopping " + running.size() + " nodes...");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Child c : running) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    c.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                c.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        out.println("Stopped.");
        out.flush();
    }

    /**
     * @param preferred a port to try first (0: none)
     * @param udpToo    whether UDP must be free too (gossip)
     * @param taken     ports already handed out by this launcher
     * @return a port that was free just now
     */
    private static int freePort(int preferred, boolean udpToo, Set<Integer> taken) throws IOException {
        if (preferred > 0 && !taken.contains(preferred) && isFree(preferred, udpToo)) {
            taken.add(preferred);
            return preferred;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                port = s.getLocalPort();
            }
            if (!taken.contains(port) && isFree(port, udpToo)) {
                taken.add(port);
                return port;
            }
        }
        throw new IOException("no free port found on loopback");
    }

    private static boolean isFree(int port, boolean udpToo) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(LOOPBACK, port));
        } catch (IOException e) {
            return false;
        }
        if (udpToo) {
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                return d.isBound();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** One node process. */
    private static final class Child {
        final String name;
        final int http;
        final int gossip;
        final int repair;
        final Path data;
        final Path log;
        final String zone;
        Process process;

        Child(String name, int http, int gossip, int repair, Path data, Path log, String zone) {
            this.name = name;
            this.http = http;
            this.gossip = gossip;
            this.repair = repair;
            this.data = data;
            this.log = log;
            this.zone = zone;
        }

        String url() {
            return "http://127.0.0.1:" + http;
        }

        void start(List<String> seeds, List<String> forwarded) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "io.grapevine.kv.Main", "node",
                "--name", name,
                "--gossip", "127.0.0.1:" + gossip,
                "--http", "127.0.0.1:" + http,
                "--repair", "127.0.0.1:" + repair));
            if (!seeds.isEmpty()) {
                cmd.add("--seeds");
                cmd.add(String.join(",", seeds));
            }
            if (data != null) {
                cmd.add("--data-dir");
                cmd.add(data.toString());
            }
            if (zone != null) {
                cmd.add("--tag");
                cmd.add("zone=" + zone);
            }
            cmd.addAll(forwarded);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        }
    }
}
