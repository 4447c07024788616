package io.grapevine.bench.peers;

import io.scalecube.cluster.Cluster;
import io.scalecube.cluster.ClusterImpl;
import io.scalecube.cluster.ClusterMessageHandler;
import io.scalecube.cluster.membership.MembershipEvent;
import io.scalecube.net.Address;
import io.scalecube.transport.netty.tcp.TcpTransportFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ScaleCube cluster member as a child process of the {@code peers} benchmark; it reports
 * in the {@link PeerLines} protocol.
 *
 * <pre>
 * java -cp grapevine-benchmarks.jar io.grapevine.bench.peers.ScaleCubeMember \
 *      --name sc0 --port 7946 [--seed 127.0.0.1:7946] [--tuned]
 * </pre>
 * Without {@code --tuned} it runs ScaleCube's default (LAN) configuration. {@code --tuned} sets
 * what memberlist's LAN profile sets: ping every 1 s, ping timeout 500 ms, 3 ping-req members,
 * suspicion multiplier 4, gossip every 200 ms. ScaleCube binds its TCP port on every interface
 * (it has no bind-host option) but advertises 127.0.0.1, so all traffic stays on loopback.
 */
public final class ScaleCubeMember {
    private ScaleCubeMember() {
    }

    /**
     * @param args the options above
     */
    public static void main(String[] args) {
        String name = null;
        int port = 0;
        int seedPort = -1;
        boolean tuned = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--seed" -> seedPort = Integer.parseInt(args[++i].substring(args[i].lastIndexOf(':') + 1));
                case "--tuned" -> tuned = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (name == null || port <= 0) {
            throw new IllegalArgumentException("--name and --port are required");
        }
        String self = name;
        int bindPort = port;
        Address seed = seedPort > 0 && seedPort != port ? Address.create("127.0.0.1", seedPort) : null;
        Set<String> alive = ConcurrentHashMap.newKeySet();
        alive.add(self);
        AtomicInteger lastAlive = new AtomicInteger(-1);
        ClusterImpl cluster = new ClusterImpl()
                .config(c -> c.memberAlias(self).externalHost("127.0.0.1"))
                .transport(t -> t.port(bindPort))
                .transportFactory(TcpTransportFactory::new)
                .membership(m -> seed == null ? m : m.seedMembers(seed))
                .handler(c -> new ClusterMessageHandler() {
                    @Override
                    public void onMembershipEvent(MembershipEvent e) {
                        String who = e.member().alias();
                        if (e.isAdded()) {
                            alive.add(who);
                        } else if (e.isRemoved() || e.isLeaving()) {
                            alive.remove(who);
                            PeerLines.failed(self, who);
                        }
                        int count = alive.size();
                        if (lastAlive.getAndSet(count) != count) {
                            PeerLines.alive(self, count);
                        }
                    }
                });
        if (tuned) {
            cluster = cluster
                    .failureDetector(f -> f.pingInterval(1_000).pingTimeout(500).pingReqMembers(3))
                    .membership(m -> m.suspicionMult(4))
                    .gossip(g -> g.gossipInterval(200));
        }
        Cluster started = cluster.startAwait();
        Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown));
        PeerLines.ready(self);
        if (lastAlive.compareAndSet(-1, alive.size())) {
            PeerLines.alive(self, alive.size());
        }
        PeerLines.awaitEndOfInput();
        System.exit(0);
    }
}
