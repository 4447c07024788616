package io.grapevine.examples;

import io.grapevine.membership.Keyring;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.Profile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * One Grapevine node as a process, printing every membership event: handy for joining an
 * existing serf or memberlist cluster from the command line.
 *
 * <pre>
 * java -cp grapevine-examples.jar io.grapevine.examples.Node --name g1 --bind 127.0.0.1:7950 \
 *      --seeds 127.0.0.1:7946 [--tag zone=a] [--encrypt BASE64KEY] [--profile lan|wan|local]
 * </pre>
 * Standard input: {@code leave} leaves gracefully and exits; {@code tags k=v,...} changes the
 * tags; {@code view} prints one line {@code VIEW name=STATE,...} with every member this node
 * knows, sorted by name; end of input or SIGTERM shuts down.
 */
public final class Node {
    private Node() {
    }

    /**
     * @param args the options above
     * @throws Exception when the node cannot start
     */
    public static void main(String[] args) throws Exception {
        MembershipConfig.Builder config = MembershipConfig.builder();
        Map<String, String> tags = new LinkedHashMap<>();
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--name" -> config.nodeName(value);
                case "--bind" -> config.bind(address(value));
                case "--advertise" -> config.advertise(address(value));
                case "--seeds" -> {
                    for (String s : value.split(",")) {
                        seeds.add(address(s));
                    }
                }
                case "--tag" -> tags.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                case "--encrypt" -> config.keyring(Keyring.fromBase64(value));
                case "--profile" -> config.profile(Profile.valueOf(value.toUpperCase()));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        Membership node = Membership.start(config.seeds(seeds).tags(tags).build()).block();
        System.out.println("STARTED " + node.local().name() + " " + node.local().address());
        node.events().subscribe(e -> System.out.println("EVENT " + e.type() + " " + e.member().name()
                + " " + e.member().state() + " " + e.member().tags()));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.shutdown().block();
            done.countDown();
        }));
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("leave")) {
                node.leave().block();
                System.out.println("LEFT");
                break;
            }
            if (line.startsWith("tags ")) {
                Map<String, String> t = new LinkedHashMap<>();
                for (String kv : line.substring(5).split(",")) {
                    t.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                node.setTags(t).block();
                System.out.println("TAGGED " + t);
            }
            if (line.equals("view")) {
                System.out.println("VIEW " + node.members().stream()
                        .map(m -> m.name() + "=" + m.state())
                        .collect(Collectors.joining(",")));
            }
        }
        System.exit(0);
    }

    private static InetSocketAddress address(String hostPort) throws UnknownHostException {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
