package io.grapevine.kv.internal;

import io.grapevine.kv.KvConfig;
import io.grapevine.kv.KvNode;
import io.grapevine.membership.Profile;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code grapevine-kv.jar node ...}: runs one node in the foreground until it is stopped (SIGTERM
 * or Ctrl-C: the store is committed and closed, the others see the node FAILED) or leaves
 * ({@code leave}: ranges handed over, the others see it LEFT). Prints one line
 * {@code READY name=... http=... gossip=... repair=... storage=...} once it serves, which the
 * cluster launcher and the tests read.
 */
public final class NodeCommand {
    /** Options that take a value. */
    public static final Set<String> VALUED = Set.of("name", "gossip", "http", "repair", "seeds", "data-dir",
        "replication", "partitions", "w", "r", "tag", "profile", "max-value-bytes", "tombstone-grace", "failed-grace",
        "repair-interval", "repair-concurrency", "request-timeout", "max-in-flight", "max-buffered-bytes");
    /** Options without a value. */
    public static final Set<String> SWITCHES = Set.of("fsync");

    private NodeCommand() {
    }

    /**
     * @param argv the options
     * @return the exit code
     * @throws InterruptedException never in practice (waits for the node to close)
     */
    public static int run(String[] argv) throws InterruptedException {
        KvConfig config = config(Args.parse(argv, VALUED, SWITCHES));
        KvNode node;
        try {
            node = KvNode.start(config).block(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("error: node " + config.name() + " could not start: " + root.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> node.close().block(Duration.ofSeconds(20)), "grapevine-kv-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("READY name=" + node.name()
            + " http=http://" + HostPort.format(node.httpAddress())
            + " gossip=" + HostPort.format(node.membership().local().address())
            + " repair=" + HostPort.format(node.repairAddress())
            + " storage=" + (config.dataDir() == null ? "memory" : config.dataDir().toAbsolutePath()));
        System.out.flush();
        node.onClose().block();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: the JVM exits when it ends
        }
        return 0;
    }

    /**
     * @param a parsed options
     * @return the node configuration they describe
     */
    public static KvConfig config(Args a) {
        if (!a.positional().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + a.positional().get(0));
        }
        KvConfig.Builder b = KvConfig.builder()
            .name(a.get("name", null))
            .gossip(HostPort.parse(a.get("gossip", "127.0.0.1:7946")))
            .http(HostPort.parse(a.get("http", "127.0.0.1:8080")))
            .replication(a.getInt("replication", 3))
            .partitions(a.getInt("partitions", 256))
            .writeQuorum(a.getInt("w", 0))
            .readQuorum(a.getInt("r", 0))
            .maxValueBytes(a.getInt("max-value-bytes", 1024 * 1024))
            .tombstoneGrace(a.getDuration("tombstone-grace", Duration.ofMinutes(10)))
            .failedGrace(a.getDuration("failed-grace", Duration.ofSeconds(30)))
            .repairInterval(a.getDuration("repair-interval", Duration.ofMinutes(10)))
            .repairConcurrency(a.getInt("repair-concurrency", 4))
            .requestTimeout(a.getDuration("request-timeout", Duration.ofSeconds(2)))
            .maxInFlight(a.getInt("max-in-flight", 512))
            .fsync(a.flag("fsync"));
        if (a.has("max-buffered-bytes")) {
            b.maxBufferedBytes(Long.parseLong(a.get("max-buffered-bytes", "0")));
        }
        if (a.has("repair")) {
            b.repair(HostPort.parse(a.get("repair", null)));
        }
        if (a.has("data-dir")) {
            b.dataDir(Path.of(a.get("data-dir", null)));
        }
        String profile = a.get("profile", "lan").toUpperCase(Locale.ROOT);
        try {
            b.profile(Profile.valueOf(profile));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--profile must be lan, wan or local");
        }
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (String list : a.all("seeds")) {
            for (String s : list.split(",")) {
                if (!s.isBlank()) {
                    seeds.add(HostPort.parse(s.trim()));
                }
            }
        }
        b.seeds(seeds);
        Map<String, String> tags = new LinkedHashMap<>();
        for (String t : a.all("tag")) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--tag must be key=value: " + t);
            }
            tags.put(t.substring(0, eq), t.substring(eq + 1));
        }
        b.tags(tags);
        return b.build();
    }
}
