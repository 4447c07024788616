package io.grapevine.membership.internal.codec;

import io.grapevine.membership.MembershipConfig;
import io.grapevine.membership.internal.codec.Message.Ack;
import io.grapevine.membership.internal.codec.Message.Alive;
import io.grapevine.membership.internal.codec.Message.Dead;
import io.grapevine.membership.internal.codec.Message.ErrorResponse;
import io.grapevine.membership.internal.codec.Message.IndirectPing;
import io.grapevine.membership.internal.codec.Message.Nack;
import io.grapevine.membership.internal.codec.Message.Ping;
import io.grapevine.membership.internal.codec.Message.PushNodeState;
import io.grapevine.membership.internal.codec.Message.PushPull;
import io.grapevine.membership.internal.codec.Message.Suspect;
import io.grapevine.membership.internal.codec.Message.UserPacket;
import io.grapevine.membership.internal.codec.Message.UserStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One memberlist message to and from its bytes: {@code [type byte][msgpack body]}, with the
 * struct keys, optional fields and Go msgpack forms of memberlist v0.2.2 (see
 * {@code shared/design/memberlist-wire.md}). Wrappers (compound, compression, CRC, encryption)
 * are not messages; {@link PacketLayers} and {@link StreamLayers} peel them off first.
 *
 * <p>Decoding follows Go's leniency where peers rely on it (unknown keys skipped, missing keys
 * read as zero, any int form, bin forms in byte fields, bytes after the message ignored) and
 * bounds everything a peer controls: names, meta, addresses, node counts and user state.
 * Optional source fields ({@code SourceAddr}, {@code SourceNode}) that are present but empty
 * decode as null, exactly as if absent, because Go omits them when empty.
 */
public final class WireCodec {
    /** Longest node name accepted ({@code Node}, {@code From}, {@code Name}, {@code SourceNode}). */
    public static final int MAX_NAME_BYTES = MembershipConfig.MAX_NODE_NAME_BYTES;
    /** Largest node meta accepted. */
    public static final int MAX_META_BYTES = MembershipConfig.MAX_META_BYTES;
    /** Most node states accepted in one push/pull. */
    public static final int MAX_PUSH_NODES = 100_000;
    /** Largest push/pull user state, and largest stream (memberlist's maxPushStateBytes). */
    public static final int MAX_STREAM_BYTES = 20 * 1024 * 1024;
    /** Longest error text accepted in an error response. */
    public static final int MAX_ERROR_BYTES = 64 * 1024;

    private static final WireFields.Keys SOURCE_KEYS = WireFields.Keys.of("SourceAddr", "SourceNode", "SourcePort");
    private static final WireFields.Keys PING_KEYS = SOURCE_KEYS.with("Node", "SeqNo");
    private static final WireFields.Keys INDIRECT_PING_KEYS = SOURCE_KEYS.with("Nack", "Node", "Port", "SeqNo", "Target");
    private static final WireFields.Keys ACK_KEYS = WireFields.Keys.of("Payload", "SeqNo");
    private static final WireFields.Keys NACK_KEYS = WireFields.Keys.of("SeqNo");
    private static final WireFields.Keys ACCUSATION_KEYS = WireFields.Keys.of("From", "Incarnation", "Node");
    private static final WireFields.Keys ALIVE_KEYS = WireFields.Keys.of("Addr", "Incarnation", "Meta", "Node", "Port", "Vsn");
    private static final WireFields.Keys PUSH_PULL_KEYS = WireFields.Keys.of("Join", "Nodes", "UserStateLen");
    private static final WireFields.Keys PUSH_NODE_KEYS = WireFields.Keys.of("Addr", "Incarnation", "Meta", "Name", "Port", "State", "Vsn");
    private static final WireFields.Keys USER_KEYS = WireFields.Keys.of("UserMsgLen");
    private static final WireFields.Keys ERROR_KEYS = WireFields.Keys.of("Error");
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int U16_MAX = 0xFFFF;

    private WireCodec() {
    }

    /**
     * Encodes one message with its type byte.
     *
     * @param m the message
     * @return {@code [type][body]}
     * @throws IllegalArgumentException when a u16/u32 field is out of range or a count is negative
     */
    public static byte[] encode(Message m) {
        GoMsgpackWriter w = new GoMsgpackWriter(expectedSize(m)).rawByte(m.type());
        if (m instanceof Ping p) {
            byte[] sourceAddr = WireFields.emptyToNull(p.sourceAddr());
            String sourceNode = WireFields.emptyToNull(p.sourceNode());
            int optional = (sourceAddr != null ? 1 : 0) + (sourceNode != null ? 1 : 0) + (p.sourcePort() != 0 ? 1 : 0);
            w.mapHeader(2 + optional).string("Node").string(p.node()).string("SeqNo").integer(u32(p.seqNo(), "SeqNo"));
            writeSource(w, sourceAddr, sourceNode, p.sourcePort());
        } else if (m instanceof IndirectPing p) {
            byte[] sourceAddr = WireFields.emptyToNull(p.sourceAddr());
            String sourceNode = WireFields.emptyToNull(p.sourceNode());
            int optional = (sourceAddr != null ? 1 : 0) + (sourceNode != null ? 1 : 0) + (p.sourcePort() != 0 ? 1 : 0);
            w.mapHeader(5 + optional)
                    .string("Nack").bool(p.nack())
                    .string("Node").string(p.node())
                    .string("Port").integer(u16(p.port(), "Port"))
                    .string("SeqNo").integer(u32(p.seqNo(), "SeqNo"));
            writeSource(w, sourceAddr, sourceNode, p.sourcePort());
            w.string("Target").bytes(p.target());
        } else if (m instanceof Ack a) {
            w.mapHeader(2).string("Payload").bytes(a.payload()).string("SeqNo").integer(u32(a.seqNo(), "SeqNo"));
        } else if (m instanceof Nack n) {
            w.mapHeader(1).string("SeqNo").integer(u32(n.seqNo(), "SeqNo"));
        } else if (m instanceof Suspect s) {
            writeAccusation(w, s.from(), s.incarnation(), s.node());
        } else if (m instanceof Dead d) {
            writeAccusation(w, d.from(), d.incarnation(), d.node());
        } else if (m instanceof Alive a) {
            writeNode(w, "Node", a.node(), a.addr(), a.incarnation(), a.meta(), a.port(), null, a.vsn());
        } else if (m instanceof UserPacket u) {
            w.raw(u.payload());
        } else if (m instanceof UserStream u) {
            byte[] payload = u.payload() == null ? new byte[0] : u.payload();
            w.mapHeader(1).string("UserMsgLen").integer(payload.length).raw(payload);
        } else if (m instanceof PushPull p) {
            writePushPull(w, p);
        } else if (m instanceof ErrorResponse e) {
            w.mapHeader(1).string("Error").string(e.error());
        } else {
            throw new IllegalArgumentException("not a wire message: " + m);
        }
        return w.toByteArray();
    }

    /** A size that fits most messages of this kind without growing the buffer. */
    private static int expectedSize(Message m) {
        if (m instanceof PushPull p) {
            return 32 + (p.nodes() == null ? 0 : p.nodes().size() * 96) + (p.userState() == null ? 0 : p.userState().length);
        }
        if (m instanceof UserPacket u) {
            return 1 + (u.payload() == null ? 0 : u.payload().length);
        }
        if (m instanceof UserStream u) {
            return 24 + (u.payload() == null ? 0 : u.payload().length);
        }
        return 128;
    }

    private static void writeSource(GoMsgpackWriter w, byte[] sourceAddr, String sourceNode, int sourcePort) {
        if (sourceAddr != null) {
            w.string("SourceAddr").bytes(sourceAddr);
        }
        if (sourceNode != null) {
            w.string("SourceNode").string(sourceNode);
        }
        if (sourcePort != 0) {
            w.string("SourcePort").integer(u16(sourcePort, "SourcePort"));
        }
    }

    private static void writeAccusation(GoMsgpackWriter w, String from, long incarnation, String node) {
        w.mapHeader(3)
                .string("From").string(from)
                .string("Incarnation").integer(u32(incarnation, "Incarnation"))
                .string("Node").string(node);
    }

    /** Alive and push node state: the same fields but for the name's key and State. */
    private static void writeNode(GoMsgpackWriter w, String nameKey, String name, byte[] addr, long incarnation,
                                  byte[] meta, int port, Integer stateOrNull, byte[] vsn) {
        w.mapHeader(stateOrNull == null ? 6 : 7)
                .string("Addr").bytes(addr)
                .string("Incarnation").integer(u32(incarnation, "Incarnation"))
                .string("Meta").bytes(meta)
                .string(nameKey).string(name)
                .string("Port").integer(u16(port, "Port"));
        if (stateOrNull != null) {
            w.string("State").integer(stateOrNull);
        }
        w.string("Vsn").bytes(vsn);
    }

    private static void writePushPull(GoMsgpackWriter w, PushPull p) {
        List<PushNodeState> nodes = p.nodes() == null ? List.of() : p.nodes();
        byte[] userState = p.userState() == null ? new byte[0] : p.userState();
        w.mapHeader(3)
                .string("Join").bool(p.join())
                .string("Nodes").integer(nodes.size())
                .string("UserStateLen").integer(userState.length);
        for (PushNodeState n : nodes) {
            writeNode(w, "Name", n.name(), n.addr(), n.incarnation(), n.meta(), n.port(), n.state(), n.vsn());
        }
        w.raw(userState);
    }

    /**
     * Decodes one message, type byte first.
     *
     * @param buf    the message bytes
     * @param stream true when it came over TCP: type 8 then carries a {@code UserMsgLen} header,
     *               and push/pull (6) and error responses (13) are allowed - over UDP they are
     *               dropped as malformed, as memberlist does
     * @return the message
     * @throws DropException {@code unknown-type} for a type byte memberlist does not define,
     *                       {@code malformed} for wrappers (7, 9, 10, 12) and bad bodies,
     *                       {@code oversized} for a push/pull beyond its bounds
     */
    public static Message decode(byte[] buf, boolean stream) throws DropException {
        if (buf == null) {
            throw new DropException("malformed", "empty message: no type byte");
        }
        return decode(buf, 0, buf.length, stream);
    }

    /**
     * Decodes one message from a range of a buffer (a part of a compound, read in place).
     *
     * @param buf    the buffer
     * @param from   where the message starts (its type byte)
     * @param to     just past its last byte
     * @param stream as in {@link #decode(byte[], boolean)}
     * @return the message
     * @throws DropException as {@link #decode(byte[], boolean)}
     */
    public static Message decode(byte[] buf, int from, int to, boolean stream) throws DropException {
        if (from >= to) {
            throw new DropException("malformed", "empty message: no type byte");
        }
        int type = buf[from] & 0xff;
        GoMsgpackReader r = new GoMsgpackReader(buf, from + 1, to);
        switch (type) {
            case MessageType.PING: {
                WireFields f = WireFields.read(r, "ping", PING_KEYS);
                return new Ping(f.seqNo, f.node, f.sourceAddr, f.sourcePort, f.sourceNode);
            }
            case MessageType.INDIRECT_PING: {
                WireFields f = WireFields.read(r, "indirect ping", INDIRECT_PING_KEYS);
                return new IndirectPing(f.seqNo, f.target, f.port, f.node, f.nack, f.sourceAddr, f.sourcePort, f.sourceNode);
            }
            case MessageType.ACK: {
                WireFields f = WireFields.read(r, "ack", ACK_KEYS);
                return new Ack(f.seqNo, f.payload);
            }
            case MessageType.NACK:
                return new Nack(WireFields.read(r, "nack", NACK_KEYS).seqNo);
            case MessageType.SUSPECT: {
                WireFields f = WireFields.read(r, "suspect", ACCUSATION_KEYS);
                return new Suspect(f.incarnation, f.node, f.from);
            }
            case MessageType.DEAD: {
                WireFields f = WireFields.read(r, "dead", ACCUSATION_KEYS);
                return new Dead(f.incarnation, f.node, f.from);
            }
            case MessageType.ALIVE: {
                WireFields f = WireFields.read(r, "alive", ALIVE_KEYS);
                return new Alive(f.incarnation, f.node, f.addr, f.port, f.meta, f.vsn);
            }
            case MessageType.USER:
                if (!stream) {
                    return new UserPacket(Arrays.copyOfRange(buf, from + 1, to));
                }
                return new UserStream(r.readRaw("user message", WireFields.read(r, "user message header", USER_KEYS).userMsgLen));
            case MessageType.PUSH_PULL:
                requireStream(stream, "push/pull");
                return decodePushPull(r);
            case MessageType.ERROR:
                requireStream(stream, "error response");
                return new ErrorResponse(WireFields.read(r, "error response", ERROR_KEYS).error);
            case MessageType.COMPOUND:
            case MessageType.COMPRESS:
            case MessageType.ENCRYPT:
            case MessageType.HAS_CRC:
                throw new DropException("malformed", "type " + type + " is a wrapper, not a message, at this layer");
            default:
                throw new DropException("unknown-type", "message type " + type);
        }
    }

    private static void requireStream(boolean stream, String what) throws DropException {
        if (!stream) {
            throw new DropException("malformed", what + " is TCP only but came in a packet");
        }
    }

    private static PushPull decodePushPull(GoMsgpackReader r) throws DropException {
        WireFields header = WireFields.read(r, "push/pull header", PUSH_PULL_KEYS);
        if (header.nodes > MAX_PUSH_NODES) {
            throw new DropException("oversized", "push/pull carries " + header.nodes + " nodes, the limit is " + MAX_PUSH_NODES);
        }
        if (header.userStateLen > MAX_STREAM_BYTES) {
            throw new DropException("oversized", "push/pull user state is " + header.userStateLen
                    + " bytes, the limit is " + MAX_STREAM_BYTES);
        }
        if (header.nodes > r.remaining()) {
            throw new DropException("malformed", "push/pull claims " + header.nodes + " nodes in " + r.remaining() + " bytes");
        }
        List<PushNodeState> states = new ArrayList<>((int) header.nodes);
        for (int i = 0; i < header.nodes; i++) {
            WireFields f = WireFields.read(r, "push node state", PUSH_NODE_KEYS);
            states.add(new PushNodeState(f.name, f.addr, f.port, f.meta, f.incarnation, f.state, f.vsn));
        }
        byte[] userState = r.readRaw("push/pull user state", header.userStateLen);
        return new PushPull(header.join, List.copyOf(states), userState);
    }

    private static long u32(long v, String field) {
        if (v < 0 || v > U32_MAX) {
            throw new IllegalArgumentException(field + " = " + v + " does not fit in a u32");
        }
        return v;
    }

    private static int u16(int v, String field) {
        if (v < 0 || v > U16_MAX) {
            throw new IllegalArgumentException(field + " = " + v + " does not fit in a u16");
        }
        return v;
    }
}
