package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MemberState;
import java.util.List;

/**
 * Each gossip interval, sends queued broadcasts to a few random members: live ones, and the
 * recently dead, so that a member wrongly declared dead hears it and can refute.
 * Runs only on the protocol worker.
 */
public final class Gossiper {
    private final String self;
    private final MemberTable table;
    private final PacketSender sender;
    private final ProtocolClock clock;
    private final int gossipNodes;
    private final long gossipToTheDeadMillis;

    /**
     * @param self                  this node's name
     * @param table                 members
     * @param sender                datagram sender
     * @param clock                 time
     * @param gossipNodes           members per round
     * @param gossipToTheDeadMillis how long the dead still get gossip
     */
    public Gossiper(String self, MemberTable table, PacketSender sender, ProtocolClock clock, int gossipNodes,
                    long gossipToTheDeadMillis) {
        this.self = self;
        this.table = table;
        this.sender = sender;
        this.clock = clock;
        this.gossipNodes = gossipNodes;
        this.gossipToTheDeadMillis = gossipToTheDeadMillis;
    }

    /** One gossip round. */
    public void tick() {
        if (!sender.hasBroadcasts()) {
            // Nothing to say: skip picking targets, the costly part of a round in a quiet cluster.
            return;
        }
        long now = clock.now();
        List<NodeRecord> targets = table.randomMembers(gossipNodes, r -> r.name().equals(self)
                || r.state() == MemberState.LEFT
                || (r.state() == MemberState.DEAD && now - r.stateChange > gossipToTheDeadMillis));
        for (NodeRecord r : targets) {
            if (!sender.gossip(r.socketAddress())) {
                return;
            }
        }
    }
}
