package io.grapevine.bench;

import java.util.Arrays;

/**
 * Entry point of {@code grapevine-benchmarks.jar}: {@code java -jar grapevine-benchmarks.jar
 * <command> [options]}. Each command is a harness that prints a table; {@code jmh <regex>}
 * runs the JMH benchmarks whose names match.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /**
     * Dispatches to the named benchmark command.
     *
     * @param args the command and its options
     * @throws Exception when the benchmark fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "ring" -> io.grapevine.bench.ring.RingBench.main(rest);
            case "simulate" -> io.grapevine.bench.simulate.SimulateBench.main(rest);
            case "repair" -> io.grapevine.bench.repair.RepairBench.main(rest);
            case "kv" -> io.grapevine.bench.kv.KvBench.main(rest);
            case "peers" -> io.grapevine.bench.peers.PeersBench.main(rest);
            default -> {
                System.err.println("unknown command: " + args[0]);
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar grapevine-benchmarks.jar <command> [options]");
        System.err.println("commands:");
        System.err.println("  jmh <regex> [jmh options]   run the JMH benchmarks matching regex");
        System.err.println("  ring [--sizes 100,1000] [--steps 50] [--seed 42]   ring placement vs random vnodes and jump hash");
        System.err.println("  simulate [--nodes N[,N..]] [--loss p] [--minutes m] [--crashes k] [--seed s] [--join-waves w]   testkit clusters vs SWIM/Lifeguard theory");
        System.err.println("  repair [--keys N]           Merkle repair bytes vs the floor and a Cassandra-style baseline");
        System.err.println("  kv [--ops 20000] [--concurrency 32] [--value-bytes 100]   KV store puts/gets: 3 nodes (RF 3, W 2, R 2) vs 1 node");
        System.err.println("  peers [--nodes 16] [--repeats 3] [--rest-seconds 30]   membership vs serf agents and ScaleCube, real processes");
    }
}
