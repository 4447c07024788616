package io.grapevine.membership;

import java.util.Map;

/**
 * A snapshot of one node's protocol counters (also published as Micrometer meters named
 * {@code grapevine.membership.*}).
 *
 * @param packetsIn      datagrams received
 * @param packetsOut     datagrams sent
 * @param bytesIn        bytes received (packets and streams)
 * @param bytesOut       bytes sent (packets and streams)
 * @param probes         probes started
 * @param failedProbes   probes that got no ack, direct or indirect
 * @param suspicions     suspicions raised by this node
 * @param refutations    times this node refuted a suspicion or death about itself
 * @param dropsByReason  inputs dropped, by reason (e.g. {@code crc}, {@code decrypt}, {@code malformed})
 */
public record MembershipStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long probes,
                              long failedProbes, long suspicions, long refutations,
                              Map<String, Long> dropsByReason) {

    /** Copies the drop map. */
    public MembershipStats {
        dropsByReason = Map.copyOf(dropsByReason);
    }

    /** @return all drops, whatever the reason */
    public long drops() {
        return dropsByReason.values().stream().mapToLong(Long::longValue).sum();
    }
}
