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
    }
}
