package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.Transport;
import io.grapevine.membership.internal.codec.Compound;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.PacketLayers;
import io.grapevine.membership.internal.codec.WireCodec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends datagrams: piggybacks queued gossip onto every message that has room, frames several
 * messages as one compound, and applies the outer layers (compression, CRC for peers that
 * speak protocol 5, encryption). Keeps every datagram within {@link #MAX_PACKET} bytes.
 * Used only on the protocol worker.
 */
public final class PacketSender {
    /** memberlist's UDP budget: what fits one Ethernet frame with room for tunnels. */
    public static final int MAX_PACKET = 1400;
    private static final int COMPOUND_HEADER = 2;
    private static final int COMPOUND_PER_PART = 2;
    private static final int CRC_OVERHEAD = 5;
    /** version + nonce + GCM tag, plus a block of padding for version 0 peers. */
    private static final int ENCRYPT_OVERHEAD = 1 + 12 + 16 + 16;

    private final Transport transport;
    private final PacketLayers layers;
    private final MemberTable table;
    private final BroadcastQueue memberBroadcasts;
    private final BroadcastQueue userBroadcasts;
    private final ProtocolMetrics metrics;
    private final int budget;

    /**
     * @param transport        the network
     * @param layers           outer layers
     * @param table            members, to know who understands CRCs
     * @param memberBroadcasts queued alive/suspect/dead messages
     * @param userBroadcasts   queued user messages
     * @param metrics          counters
     * @param encrypted        whether a keyring is in use (costs room)
     */
    public PacketSender(Transport transport, PacketLayers layers, MemberTable table, BroadcastQueue memberBroadcasts,
                        BroadcastQueue userBroadcasts, ProtocolMetrics metrics, boolean encrypted) {
        this.transport = transport;
        this.layers = layers;
        this.table = table;
        this.memberBroadcasts = memberBroadcasts;
        this.userBroadcasts = userBroadcasts;
        this.metrics = metrics;
        this.budget = MAX_PACKET - COMPOUND_HEADER - CRC_OVERHEAD - (encrypted ? ENCRYPT_OVERHEAD : 0);
    }

    /**
     * Sends one message, with as much queued gossip as fits.
     *
     * @param to      destination
     * @param message the message
     */
    public void send(InetSocketAddress to, Message message) {
        sendAll(to, List.of(WireCodec.encode(message)));
    }

    /**
     * Sends messages together in one datagram (a compound when more than one), topped up with
     * queued gossip.
     *
     * @param to       destination
     * @param messages encoded messages
     */
    public void sendAll(InetSocketAddress to, List<byte[]> messages) {
        int used = 0;
        for (byte[] m : messages) {
            used += m.length + COMPOUND_PER_PART;
        }
        List<byte[]> gossip = broadcasts(budget - used);
        if (gossip.isEmpty()) {
            raw(to, messages);
            return;
        }
        List<byte[]> parts = new ArrayList<>(messages.size() + gossip.size());
        parts.addAll(messages);
        parts.addAll(gossip);
        raw(to, parts);
    }

    /**
     * Sends queued gossip only.
     *
     * @param to destination
     * @return false when there was nothing to send
     */
    public boolean gossip(InetSocketAddress to) {
        List<byte[]> parts = broadcasts(budget);
        if (parts.isEmpty()) {
            return false;
        }
        raw(to, parts);
        return true;
    }

    /** @return whether any gossip is queued (a gossip round with none sends nothing) */
    public boolean hasBroadcasts() {
        return memberBroadcasts.size() > 0 || userBroadcasts.size() > 0;
    }

    private List<byte[]> broadcasts(int room) {
        if (room <= 0) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(32);
        int used = memberBroadcasts.take(COMPOUND_PER_PART, room, out);
        if (room - used > 16 && out.size() < 250) {
            userBroadcasts.take(COMPOUND_PER_PART, room - used, out);
        }
        while (out.size() > 250) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private void raw(InetSocketAddress to, List<byte[]> parts) {
        byte[] payload = parts.size() == 1 ? parts.get(0) : Compound.encode(parts);
        NodeRecord peer = table.at(to);
        boolean crc = peer != null && peer.protocolMax() >= 5;
        byte[] packet = layers.wrap(payload, crc);
        metrics.sent(packet.length);
        transport.sendPacket(to, packet);
    }
}
