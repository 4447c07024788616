package io.grapevine.repair.internal;

import io.grapevine.repair.RepairProtocolException;

/** The frame types of the repair protocol (see docs/repair.md for the sequence). */
public enum FrameType {
    /** Initiator's opening: magic, version, range, depth, root hash. Ends a turn. */
    HELLO(1),
    /** Responder's answer when the roots differ: agreed depth, its root, the mode. */
    HELLO_ACK(2),
    /** Responder's answer when the roots are equal: the session is over (one round trip). */
    SYNCED(3),
    /** A run of comparison bits (1 = differs / missing). */
    BITS(4),
    /** A run of tree node hashes. */
    HASHES(5),
    /** Leaf units: a token interval and the entry hashes the sender holds in it. */
    UNITS(6),
    /** Entry digests (key and version) of entries that differ. */
    DIGESTS(7),
    /** Indices (delta-encoded) of digests whose entries the sender wants. */
    WANT(8),
    /** Entries with values. */
    ENTRIES(9),
    /** End of the sender's turn. */
    EOT(10),
    /** The sender has nothing more to compare: ends its turn and asks for DONE. */
    FINISH(11),
    /** Everything received has been applied: the session is over. */
    DONE(12),
    /** The sender aborts the session; carries a reason. */
    ERROR(13);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** @return the wire code */
    public int code() {
        return code;
    }

    /**
     * @param code a wire code
     * @return its type
     * @throws RepairProtocolException for an unknown code
     */
    public static FrameType of(int code) {
        FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new RepairProtocolException("unknown frame type " + code);
        }
        return t;
    }
}
