package io.grapevine.membership.internal.protocol;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grapevine.membership.internal.codec.DropException;
import io.grapevine.membership.internal.codec.GoMsgpackReader;
import io.grapevine.membership.internal.codec.GoMsgpackWriter;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import java.nio.charset.StandardCharsets;

/**
 * What it takes to be a good citizen in a serf cluster. Serf layers its own messages over
 * memberlist user messages ({@code [serf type][msgpack]}); two of them matter for membership:
 * a join intent (type 1) and a leave intent (type 0), ordered by serf's Lamport clock. Serf
 * reports a member {@code left} rather than {@code failed} only when a leave intent newer than
 * anything it has seen arrives before the member's dead message. This class keeps a Lamport
 * clock that witnesses serf's intents, and writes ours. Runs on the protocol worker.
 */
public final class SerfIntents {
    /** serf's messageLeaveType. */
    public static final int LEAVE = 0;
    /** serf's messageJoinType. */
    public static final int JOIN = 1;

    /** What a user message turned out to be. */
    public enum Seen {
        /** Not a serf intent: an application message. */
        NOT_AN_INTENT,
        /** An intent newer than any seen about its node: pass it on, as serf does. */
        NEW_INTENT,
        /** An intent already seen (or older): drop it. */
        OLD_INTENT
    }

    private static final byte[][] KEYS = {"LTime".getBytes(StandardCharsets.US_ASCII), "Node".getBytes(StandardCharsets.US_ASCII)};

    private final String self;
    private final MemberTable table;
    /**
     * Newest intent time per node, so each intent is relayed once (serf's statusLTime): kept in
     * the member's record while it is in the table, here while it is not (an intent often
     * arrives before its member's alive message, and a reaped member's time is kept too).
     */
    private final Cache<String, Long> unknown = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();
    private long clock;

    /**
     * @param self  this node's name
     * @param table the member table, whose records keep the intent times of known members
     */
    public SerfIntents(String self, MemberTable table) {
        this.self = self;
        this.table = table;
    }

    /** @return the Lamport time: one more than the highest time witnessed or issued */
    public long time() {
        return clock;
    }

    /** @return a user packet carrying serf's join intent for this node */
    public byte[] joinIntent() {
        long t = ++clock;
        remember(self, t);
        byte[] body = new GoMsgpackWriter().rawByte(JOIN).mapHeader(2)
                .string("LTime").integer(t)
                .string("Node").string(self)
                .toByteArray();
        return WireCodec.encode(new Message.UserPacket(body));
    }

    /** @return a user packet carrying serf's leave intent for this node */
    public byte[] leaveIntent() {
        long t = ++clock;
        remember(self, t);
        byte[] body = new GoMsgpackWriter().rawByte(LEAVE).mapHeader(3)
                .string("LTime").integer(t)
                .string("Node").string(self)
                .string("Prune").bool(false)
                .toByteArray();
        return WireCodec.encode(new Message.UserPacket(body));
    }

    /**
     * Looks at a user message: if it is one of serf's intents, witnesses its time and says
     * whether it is news. Serf spreads intents by having every receiver pass on the ones it had
     * not seen; a member that does not relay them can leave a serf agent reporting a graceful
     * leave as a failure.
     *
     * @param body the user message body
     * @return whether it was an intent, and whether a new one
     */
    public Seen witness(byte[] body) {
        if (body.length < 2 || ((body[0] & 0xFF) != LEAVE && (body[0] & 0xFF) != JOIN)) {
            return Seen.NOT_AN_INTENT;
        }
        try {
            GoMsgpackReader r = new GoMsgpackReader(body, 1, body.length);
            int n = r.readMapHeader("serf intent");
            long ltime = -1;
            String node = null;
            for (int i = 0; i < n; i++) {
                switch (r.readKey(KEYS)) {
                    case 0 -> ltime = r.readInteger("LTime", 0, Long.MAX_VALUE);
                    case 1 -> node = r.readString("Node", 256);
                    default -> r.skipValue();
                }
            }
            if (ltime < 0 || node == null || r.remaining() != 0) {
                return Seen.NOT_AN_INTENT;
            }
            // Lamport: the next time we issue must be after everything witnessed.
            if (ltime >= clock) {
                clock = ltime + 1;
            }
            NodeRecord record = table.get(node);
            if (newest(node, record) >= ltime) {
                return Seen.OLD_INTENT;
            }
            remember(node, record, ltime);
            return Seen.NEW_INTENT;
        } catch (DropException e) {
            return Seen.NOT_AN_INTENT;
        }
    }

    /**
     * Keeps a member's intent time once its record leaves the table, so that an old intent about
     * it still reads as old.
     *
     * @param reaped a record removed from the table
     */
    public void reaped(NodeRecord reaped) {
        if (reaped.intentTime >= 0) {
            unknown.put(reaped.name(), reaped.intentTime);
        }
    }

    /** @return the newest intent time witnessed about the node, -1 for none */
    private long newest(String node, NodeRecord r) {
        if (r != null && r.intentTime >= 0) {
            return r.intentTime;
        }
        Long t = unknown.getIfPresent(node);
        return t == null ? -1 : t;
    }

    private void remember(String node, long time) {
        remember(node, table.get(node), time);
    }

    private void remember(String node, NodeRecord r, long time) {
        if (r == null) {
            unknown.put(node, time);
            return;
        }
        if (r.intentTime < 0) {
            unknown.invalidate(node);
        }
        r.intentTime = time;
    }
}
