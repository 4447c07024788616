package io.grapevine.bench.peers;

import io.grapevine.bench.peers.MemberProcess.Launch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run the members of one benchmarked implementation: the command lines (the first
 * launch hosts the seed), how to read their output, and an optional independent check that
 * the cluster really formed.
 */
interface PeerKind {
    /** @return the column heading */
    String label();

    /** @return the prefix of member names; also tells runs apart in log file names */
    String namePrefix();

    /** @return the processes to start, the seed's first */
    List<Launch> launches(List<Member> members);

    /** @return the reader of one launch's output */
    LineParser parser(Launch launch, ClusterLog log);

    /** @return null when the formed cluster checks out by other means than its logs, else what is wrong */
    default String verify(List<Member> members) {
        return null;
    }

    /**
     * One cluster member's identity and ports.
     *
     * @param name    its name
     * @param port    its gossip port (UDP and TCP; the only ports whose traffic is counted)
     * @param rpcPort a second port for a control interface (serf's RPC), unused otherwise
     */
    record Member(String name, int port, int rpcPort) {
    }

    /** Real {@code serf agent} processes: memberlist with serf's LAN profile (its default). */
    static PeerKind serf(String serfBinary) {
        return new PeerKind() {
            @Override
            public String label() {
                return "serf";
            }

            @Override
            public String namePrefix() {
                return "s";
            }

            @Override
            public List<Launch> launches(List<Member> members) {
                Member seed = members.get(0);
                List<Launch> launches = new ArrayList<>();
                for (Member m : members) {
                    List<String> cmd = new ArrayList<>(List.of(serfBinary, "agent", "-node", m.name(),
                            "-bind", "127.0.0.1:" + m.port(), "-rpc-addr", "127.0.0.1:" + m.rpcPort(),
                            "-profile", "lan", "-log-level", "info"));
                    if (m != seed) {
                        cmd.addAll(List.of("-join", "127.0.0.1:" + seed.port()));
                    }
                    launches.add(new Launch(cmd, List.of(m.name())));
                }
                return launches;
            }

            @Override
            public LineParser parser(Launch launch, ClusterLog log) {
                return LineParser.serfLog(launch.names().get(0), log);
            }

            @Override
            public String verify(List<Member> members) {
                for (Member m : members) {
                    Commands.Result r = Commands.run(List.of(serfBinary, "members", "-rpc-addr",
                            "127.0.0.1:" + m.rpcPort(), "-status", "alive", "-format", "json"), null, Duration.ofSeconds(10));
                    long alive = r.output().lines().filter(l -> l.contains("\"status\": \"alive\"")).count();
                    if (!r.ok() || alive != members.size()) {
                        return "serf members on " + m.name() + " lists " + alive + " alive, expected " + members.size();
                    }
                }
                return null;
            }
        };
    }

    /**
     * JVM member processes running one of our member mains.
     *
     * @param label      the column heading
     * @param prefix     member name prefix
     * @param javaCmd    the java launcher and its options, then {@code -cp <classpath>}
     * @param mainClass  {@link GrapevineMember} or {@link ScaleCubeMember}
     * @param perMember  member, seed -> that member's arguments
     * @param shared     host every member in one JVM ({@link GrapevineMember} only)
     */
    static PeerKind jvm(String label, String prefix, List<String> javaCmd, Class<?> mainClass,
                        MemberArgs perMember, boolean shared) {
        return new PeerKind() {
            @Override
            public String label() {
                return label;
            }

            @Override
            public String namePrefix() {
                return prefix;
            }

            @Override
            public List<Launch> launches(List<Member> members) {
                Member seed = members.get(0);
                List<Launch> launches = new ArrayList<>();
                if (shared) {
                    List<String> cmd = new ArrayList<>(javaCmd);
                    cmd.add(mainClass.getName());
                    members.forEach(m -> cmd.addAll(perMember.args(m, seed)));
                    launches.add(new Launch(cmd, members.stream().map(Member::name).toList()));
                    return launches;
                }
                for (Member m : members) {
                    List<String> cmd = new ArrayList<>(javaCmd);
                    cmd.add(mainClass.getName());
                    cmd.addAll(perMember.args(m, seed));
                    launches.add(new Launch(cmd, List.of(m.name())));
                }
                return launches;
            }

            @Override
            public LineParser parser(Launch launch, ClusterLog log) {
                return LineParser.peerLines(log);
            }
        };
    }

    /** The command-line arguments of one member for a member main. */
    @FunctionalInterface
    interface MemberArgs {
        List<String> args(Member member, Member seed);
    }
}
