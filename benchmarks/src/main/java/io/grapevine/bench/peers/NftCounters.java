package io.grapevine.bench.peers;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Counts the bytes of every TCP and UDP packet on the loopback interface that leaves or
 * reaches one of a set of ports, with an nftables table of our own (created here, deleted on
 * close). Counting happens in the output hook, so each loopback packet is counted once; bytes
 * are IP packet lengths, headers included. Needs root and the {@code nft} tool.
 */
final class NftCounters implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern BYTES = Pattern.compile("counter packets \\d+ bytes (\\d+)");
    private final String table;

    private NftCounters(String table) {
        this.table = table;
    }

    /**
     * @return the counters, or empty with the reason printed when nftables cannot be used
     */
    static Optional<NftCounters> create() {
        String table = "grapevine_peers_" + ProcessHandle.current().pid();
        // Two rules, each ending in accept, so a packet between two counted ports counts once.
        String script = "table inet " + table + " {\n"
                + "  set ports { type inet_service; }\n"
                + "  chain out {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    oifname \"lo\" meta l4proto { tcp, udp } th dport @ports counter accept\n"
                + "    oifname \"lo\" meta l4proto { tcp, udp } th sport @ports counter accept\n"
                + "  }\n"
                + "}\n";
        Commands.Result r = Commands.run(List.of("nft", "-f", "-"), script, TIMEOUT);
        if (!r.ok()) {
            System.err.println("peers: nftables unavailable (" + r.output().trim()
                    + "); bytes at rest will not be measured. Install Debian's nftables and run as root.");
            return Optional.empty();
        }
        NftCounters counters = new NftCounters(table);
        ChildReaper.onExit(counters::close);
        return Optional.of(counters);
    }

    /** Counts these ports (and no others) from now on. */
    void countPorts(Collection<Integer> ports) {
        nft("flush set inet " + table + " ports");
        nft("add element inet " + table + " ports { "
                + ports.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " }");
    }

    /** @return bytes counted so far, or -1 when the counters cannot be read */
    long bytes() {
        Commands.Result r = Commands.run(List.of("nft", "list", "chain", "inet", table, "out"), null, TIMEOUT);
        if (!r.ok()) {
            return -1;
        }
        long total = 0;
        Matcher m = BYTES.matcher(r.output());
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    private void nft(String command) {
        Commands.Result r = Commands.run(List.of("nft", command), null, TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("nft " + command + ": " + r.output().trim());
        }
    }

    /** Deletes our table; safe to call twice. */
    @Override
    public void close() {
        Commands.run(List.of("nft", "delete", "table", "inet", table), null, TIMEOUT);
    }
}
