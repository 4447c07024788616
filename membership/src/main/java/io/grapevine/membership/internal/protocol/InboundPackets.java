package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.internal.codec.Message;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Handles decoded datagram messages: answers pings, relays indirect probes (with a nack when
 * the target stays silent), hands acks and nacks to their waiting probes, applies gossip, and
 * passes user messages on. Runs only on the protocol worker.
 */
public final class InboundPackets {
    private final String self;
    private final Prober.Endpoint local;
    private final MembershipState state;
    private final AckTracker acks;
    private final PacketSender sender;
    private final ProtocolClock clock;
    private final ProtocolMetrics metrics;
    private final Consumer<byte[]> userMessages;
    private final long probeTimeoutMillis;

    /**
     * @param self               this node's name
     * @param local              this node's advertised address
     * @param state              state rules
     * @param acks               ack handlers
     * @param sender             datagram sender
     * @param clock              time
     * @param metrics            counters
     * @param userMessages       receives user payloads
     * @param probeTimeoutMillis how long a relayed probe waits before nacking
     */
    public InboundPackets(String self, Prober.Endpoint local, MembershipState state, AckTracker acks,
                          PacketSender sender, ProtocolClock clock, ProtocolMetrics metrics,
                          Consumer<byte[]> userMessages, long probeTimeoutMillis) {
        this.self = self;
        this.local = local;
        this.state = state;
        this.acks = acks;
        this.sender = sender;
        this.clock = clock;
        this.metrics = metrics;
        this.userMessages = userMessages;
        this.probeTimeoutMillis = probeTimeoutMillis;
    }

    /**
     * @param from    the datagram's source
     * @param message one decoded message
     */
    public void handle(InetSocketAddress from, Message message) {
        // Java 17 has no pattern switch; the chain is ordered by frequency.
        if (message instanceof Message.Ping p) {
            onPing(from, p);
        } else if (message instanceof Message.Ack a) {
            acks.ack(a.seqNo());
        } else if (message instanceof Message.Alive a) {
            state.onAlive(a, false);
        } else if (message instanceof Message.Suspect s) {
            state.onSuspect(s);
        } else if (message instanceof Message.Dead d) {
            state.onDead(d);
        } else if (message instanceof Message.IndirectPing ip) {
            onIndirectPing(from, ip);
        } else if (message instanceof Message.Nack n) {
            acks.nack(n.seqNo());
        } else if (message instanceof Message.UserPacket u) {
            userMessages.accept(u.payload());
        } else {
            metrics.drop("unexpected-type");
        }
    }

    private void onPing(InetSocketAddress from, Message.Ping p) {
        if (p.node() != null && !p.node().isEmpty() && !p.node().equals(self)) {
            // A ping meant for a member that used to live at this address.
            metrics.drop("wrong-node");
            return;
        }
        sender.send(replyAddress(from, p.sourceAddr(), p.sourcePort()), new Message.Ack(p.seqNo(), null));
    }

    private void onIndirectPing(InetSocketAddress from, Message.IndirectPing ip) {
        InetSocketAddress requester = replyAddress(from, ip.sourceAddr(), ip.sourcePort());
        InetSocketAddress target = MemberIdentity.toSocketAddress(ip.target(), ip.port());
        long localSeq = acks.nextSeq();
        boolean[] answered = new boolean[1];
        acks.expect(localSeq, () -> {
            answered[0] = true;
            sender.send(requester, new Message.Ack(ip.seqNo(), null));
        }, null, probeTimeoutMillis, null);
        sender.send(target, new Message.Ping(localSeq, ip.node(), local.addr(), local.port(), self));
        if (ip.nack()) {
            clock.schedule(() -> {
                if (!answered[0]) {
                    sender.send(requester, new Message.Nack(ip.seqNo()));
                }
            }, probeTimeoutMillis);
        }
    }

    private static InetSocketAddress replyAddress(InetSocketAddress from, byte[] sourceAddr, int sourcePort) {
        if (sourceAddr != null && sourceAddr.length > 0 && sourcePort > 0) {
            return MemberIdentity.toSocketAddress(sourceAddr, sourcePort);
        }
        return from;
    }
}
