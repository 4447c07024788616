package io.grapevine.membership.internal.codec;

import java.util.List;

/**
 * The memberlist v0.2.2 messages, as immutable values. Byte fields are raw bytes exactly as on
 * the wire (an IP is 4 or 16 bytes); u32 fields are held in a {@code long}, u16 in an
 * {@code int}. A null byte array is Go's nil slice.
 */
public sealed interface Message {

    /** @return the message type byte */
    int type();

    /** Type 0: a probe. Optional source fields are null/0 when absent. */
    record Ping(long seqNo, String node, byte[] sourceAddr, int sourcePort, String sourceNode) implements Message {
        public int type() { return MessageType.PING; }
    }

    /** Type 1: ask a peer to probe {@code target:port} (named {@code node}) for us. */
    record IndirectPing(long seqNo, byte[] target, int port, String node, boolean nack,
                        byte[] sourceAddr, int sourcePort, String sourceNode) implements Message {
        public int type() { return MessageType.INDIRECT_PING; }
    }

    /** Type 2: answer to a ping; serf puts a network coordinate in the payload. */
    record Ack(long seqNo, byte[] payload) implements Message {
        public int type() { return MessageType.ACK; }
    }

    /** Type 11: an indirect probe got no answer from the target. */
    record Nack(long seqNo) implements Message {
        public int type() { return MessageType.NACK; }
    }

    /** Type 3: {@code from} suspects {@code node} at {@code incarnation}. */
    record Suspect(long incarnation, String node, String from) implements Message {
        public int type() { return MessageType.SUSPECT; }
    }

    /** Type 4: {@code node} is alive at {@code incarnation}, with its address, meta and versions. */
    record Alive(long incarnation, String node, byte[] addr, int port, byte[] meta, byte[] vsn) implements Message {
        public int type() { return MessageType.ALIVE; }
    }

    /** Type 5: {@code from} declares {@code node} dead; {@code from == node} means it left. */
    record Dead(long incarnation, String node, String from) implements Message {
        public int type() { return MessageType.DEAD; }
    }

    /** Type 8 over UDP: opaque application bytes, no header. */
    record UserPacket(byte[] payload) implements Message {
        public int type() { return MessageType.USER; }
    }

    /** Type 8 over TCP: a header {@code UserMsgLen} then the bytes. */
    record UserStream(byte[] payload) implements Message {
        public int type() { return MessageType.USER; }
    }

    /** Type 6 (TCP only): a full state exchange. {@code userState} is empty, never null. */
    record PushPull(boolean join, List<PushNodeState> nodes, byte[] userState) implements Message {
        public int type() { return MessageType.PUSH_PULL; }
    }

    /** Type 13 (TCP only): the peer could not handle our stream. */
    record ErrorResponse(String error) implements Message {
        public int type() { return MessageType.ERROR; }
    }

    /**
     * One member's state inside a {@link PushPull}.
     *
     * @param state 0 alive, 1 suspect, 2 dead, 3 left
     */
    record PushNodeState(String name, byte[] addr, int port, byte[] meta, long incarnation, int state, byte[] vsn) {
    }
}
