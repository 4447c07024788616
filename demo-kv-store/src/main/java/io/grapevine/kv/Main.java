package io.grapevine.kv;

import io.grapevine.kv.internal.ClientCommands;
import io.grapevine.kv.internal.ClusterLauncher;
import io.grapevine.kv.internal.NodeCommand;
import java.util.Arrays;

/**
 * Entry point of {@code grapevine-kv.jar}.
 *
 * <pre>
 * java -jar grapevine-kv.jar cluster --nodes 5 [--data-dir DIR] [--dir LOGDIR] [--zones 3]
 * java -jar grapevine-kv.jar node --name n1 --gossip 127.0.0.1:7946 --http 127.0.0.1:8080 \
 *      --seeds 127.0.0.1:7947 [--data-dir DIR] [--replication 3] [--tag zone=a]
 * java -jar grapevine-kv.jar put KEY VALUE [--w N] --node http://127.0.0.1:8080
 * java -jar grapevine-kv.jar get KEY [--r N] [--local] --node URL
 * java -jar grapevine-kv.jar delete KEY [--w N] --node URL
 * java -jar grapevine-kv.jar status --node URL
 * java -jar grapevine-kv.jar leave --node URL
 * </pre>
 */
public final class Main {
    private Main() {
    }

    /**
     * @param args the command and its options
     * @throws Exception when a command fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        String command = args[0];
        if (!command.equals("node")) {
            // client commands and the launcher print their own output; keep library logs quiet
            System.setProperty("grapevine.log.level", "WARN");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int code;
        try {
            code = switch (command) {
                case "node" -> NodeCommand.run(rest);
                case "cluster" -> ClusterLauncher.run(rest, System.out);
                case "put", "get", "delete", "status", "leave" -> ClientCommands.run(command, rest, System.out, System.err);
                default -> {
                    System.err.println("unknown command: " + command);
                    usage();
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("(java -jar grapevine-kv.jar help lists the commands)");
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    private static void usage() {
        System.err.println("""
            usage: java -jar grapevine-kv.jar <command> [options]

              cluster --nodes N [--data-dir DIR] [--dir LOGDIR] [--zones Z] [--http-port 8080] [--gossip-port 7946]
                  start N node processes on loopback; Ctrl-C stops them all
              node --name NAME [--gossip HOST:PORT] [--http HOST:PORT] [--seeds HOST:PORT,...] [--data-dir DIR]
                   [--fsync] [--replication 3] [--w 2] [--r 2] [--tag zone=a] [--profile lan|wan|local]
                   [--max-value-bytes 1048576] [--tombstone-grace 10m] [--failed-grace 30s] [--repair-interval 10m]
                  run one node in the foreground
              put KEY VALUE [--w N] [--node URL]     write (204 once N replicas acknowledged)
              get KEY [--r N] [--local] [--node URL] read the newest value (--local: that node's replica only)
              delete KEY [--w N] [--node URL]        delete (a tombstone, purged after the grace period)
              status [--node URL]                    members, states, keys, ring agreement, repair figures
              leave [--node URL]                     the node hands its ranges over, leaves and exits

            --node defaults to http://127.0.0.1:8080.""");
    }
}
