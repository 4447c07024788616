package io.grapevine.bench.simulate;

import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.SerfTags;
import io.grapevine.membership.internal.codec.WireCodec;
import io.grapevine.membership.internal.protocol.MembershipState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sizes of the protocol's messages on the wire, for the theoretical traffic of a quiet cluster. */
final class WireSizes {
    /** The CRC layer memberlist protocol 5 peers put around every datagram. */
    private static final int CRC = 5;
    private static final byte[] IP = {10, 0, 1, 1};

    private WireSizes() {
    }

    /** @return bytes of a probe's ping as Grapevine sends it */
    static int ping(String target, String self) {
        return CRC + WireCodec.encode(new Message.Ping(123_456, target, IP, 7946, self)).length;
    }

    /** @return bytes of an ack without payload */
    static int ack() {
        return CRC + WireCodec.encode(new Message.Ack(123_456, null)).length;
    }

    /** @return bytes of a push/pull of a cluster of n alive members with the given names */
    static int pushPull(List<String> names) {
        byte[] meta = SerfTags.encode(Map.of());
        List<Message.PushNodeState> nodes = new ArrayList<>(names.size());
        for (String name : names) {
            nodes.add(new Message.PushNodeState(name, IP, 7946, meta, 1, 0, MembershipState.VSN.clone()));
        }
        return WireCodec.encode(new Message.PushPull(false, nodes, new byte[0])).length;
    }
}
