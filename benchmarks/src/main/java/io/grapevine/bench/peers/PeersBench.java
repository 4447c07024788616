package io.grapevine.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code peers}: membership measured side by side against real {@code serf agent} processes
 * (memberlist) and ScaleCube, one cluster after the other on loopback, every member a real
 * process. Prints one markdown table with Grapevine's ratios to each peer and the issue's goals.
 *
 * <pre>
 * java -jar grapevine-benchmarks.jar peers [--nodes 16] [--repeats 3] [--rest-seconds 30]
 * </pre>
 */
public final class PeersBench {
    private PeersBench() {
    }

    /**
     * @param args see {@link PeersOptions#USAGE}
     * @throws Exception when the harness itself fails (a peer that fails is reported in the table)
     */
    public static void main(String[] args) throws Exception {
        PeersOptions options = PeersOptions.parse(args);
        Path logDir = Files.createTempDirectory("grapevine-peers-");
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(options.jvmOpts());
        java.addAll(List.of("-cp", System.getProperty("java.class.path")));
        List<PeerKind> kinds = kinds(options, java);
        Optional<NftCounters> nft = NftCounters.create();
        String machine = machine(options);
        System.err.println("peers: member logs in " + logDir);
        List<PeerResult> results = new ArrayList<>();
        try {
            PeerRun run = new PeerRun(options, nft.orElse(null), logDir);
            for (PeerKind kind : kinds) {
                results.add(run.run(kind));
            }
        } finally {
            nft.ifPresent(NftCounters::close);
        }
        System.out.println(machine);
        System.out.println("JVM members: " + String.join(" ", options.jvmOpts()) + "; bytes: "
                + (nft.isPresent() ? "nftables counters on the members' ports (lo, TCP+UDP, IP lengths)" : "not measured (no nftables)")
                + "; load after the run: " + load());
        System.out.println();
        PeersTable.print(results, System.out);
    }

    private static List<PeerKind> kinds(PeersOptions o, List<String> java) {
        List<PeerKind> kinds = new ArrayList<>();
        if (o.runs("serf")) {
            if (Commands.run(List.of(o.serf(), "version"), null, Duration.ofSeconds(10)).ok()) {
                kinds.add(PeerKind.serf(o.serf()));
            } else {
                System.err.println("peers: no serf binary at '" + o.serf() + "' (Debian: apt-get install serf); skipping serf");
            }
        }
        PeerKind.MemberArgs grapevine = (m, seed) -> List.of("--node", m.name() + "@" + m.port(), "--seed", "127.0.0.1:" + seed.port());
        if (o.runs("grapevine")) {
            kinds.add(PeerKind.jvm(PeersTable.GRAPEVINE, "g", java, GrapevineMember.class, grapevine, false));
        }
        if (o.runs("grapevine-1jvm")) {
            kinds.add(PeerKind.jvm(PeersTable.GRAPEVINE_SHARED, "h", java, GrapevineMember.class, grapevine, true));
        }
        if (o.runs("scalecube")) {
            kinds.add(PeerKind.jvm(PeersTable.SC_DEFAULT, "c", java, ScaleCubeMember.class, scaleCube(false), false));
        }
        if (o.runs("scalecube-tuned")) {
            kinds.add(PeerKind.jvm(PeersTable.SC_TUNED, "t", java, ScaleCubeMember.class, scaleCube(true), false));
        }
        return kinds;
    }

    private static PeerKind.MemberArgs scaleCube(boolean tuned) {
        return (m, seed) -> {
            List<String> args = new ArrayList<>(List.of("--name", m.name(), "--port", String.valueOf(m.port()),
                    "--seed", "127.0.0.1:" + seed.port()));
            if (tuned) {
                args.add("--tuned");
            }
            return args;
        };
    }

    private static String machine(PeersOptions o) {
        Duration t = Duration.ofSeconds(10);
        String cpu = Commands.run(List.of("sh", "-c", "lscpu | grep 'Model name' | sed 's/.*: *//'"), null, t).output().trim();
        String serf = Commands.run(List.of(o.serf(), "version"), null, t).output().lines().findFirst().orElse("?");
        return String.format("Machine: %d cores (%s), Java %s (%s), serf %s; N = %d, %d SIGKILLs per cluster, rest window %d s; load before the run: %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), serf, o.nodes(), o.repeats(), o.rest().toSeconds(), load());
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
