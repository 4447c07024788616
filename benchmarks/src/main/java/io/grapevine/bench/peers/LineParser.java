package io.grapevine.bench.peers;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns one member process's output lines into {@link ClusterLog} entries. */
interface LineParser {
    /**
     * @param line  one line of the process's output
     * @param nanos when the harness read it
     */
    void accept(String line, long nanos);

    /** Reads our own members' {@link PeerLines} protocol: {@code PEER <observer> <what> [<arg>]}. */
    static LineParser peerLines(ClusterLog log) {
        return (line, nanos) -> {
            if (!line.startsWith(PeerLines.PREFIX)) {
                return;
            }
            String[] f = line.split(" ");
            if (f.length < 3) {
                return;
            }
            switch (f[2]) {
                case "READY" -> log.ready(f[1], nanos);
                case "ALIVE" -> log.alive(f[1], Integer.parseInt(f[3]), nanos);
                case "FAILED" -> log.failed(f[1], f[3], nanos);
                case "SUSPECT" -> log.suspected(f[3], nanos);
                default -> {
                    // a line of another kind; ignore
                }
            }
        };
    }

    /**
     * Reads a {@code serf agent}'s INFO log. Serf's log lines carry whole seconds only, hence the
     * harness's arrival time. Serf logs each member event as memberlist raises it (before the
     * agent's event coalescing), and logs its own join first.
     */
    static LineParser serfLog(String observer, ClusterLog log) {
        Pattern event = Pattern.compile("serf: EventMember(Join|Failed|Leave): (\\S+)");
        Pattern suspect = Pattern.compile("memberlist: Suspect (\\S+) has failed");
        Set<String> alive = new HashSet<>();
        return (line, nanos) -> {
            Matcher m = event.matcher(line);
            if (m.find()) {
                String member = m.group(2);
                if (m.group(1).equals("Join")) {
                    alive.add(member);
                    if (member.equals(observer)) {
                        log.ready(observer, nanos);
                    }
                } else {
                    alive.remove(member);
                    log.failed(observer, member, nanos);
                }
                log.alive(observer, alive.size(), nanos);
                return;
            }
            Matcher s = suspect.matcher(line);
            if (s.find()) {
                log.suspected(s.group(1), nanos);
            }
        };
    }
}
