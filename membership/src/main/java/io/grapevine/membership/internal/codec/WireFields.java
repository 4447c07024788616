package io.grapevine.membership.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fields of one decoded memberlist struct. Every Go field name has one type across all of
 * memberlist v0.2.2's structs, so one table reads them all, each with its type and our bounds;
 * each message says which keys it has, and any other key is skipped unread, as Go skips it.
 * Keys not present keep Go's zero value (null for byte slices).
 */
final class WireFields {
    long seqNo;
    long incarnation;
    String node = "";
    String from = "";
    String name = "";
    String error = "";
    String sourceNode;
    byte[] addr;
    byte[] target;
    byte[] sourceAddr;
    byte[] meta;
    byte[] vsn;
    byte[] payload;
    byte[] buf;
    int port;
    int sourcePort;
    int state;
    long algo;
    boolean nack;
    boolean join;
    long nodes;
    long userStateLen;
    long userMsgLen;

    /** Every Go field name memberlist v0.2.2 uses; the index is the field's id. */
    private static final String[] NAMES = {
        "SeqNo", "Incarnation", "Node", "From", "Name", "Error", "SourceNode", "SourceAddr", "Addr", "Target",
        "Meta", "Vsn", "Payload", "Buf", "Port", "SourcePort", "State", "Algo", "Nack", "Join", "Nodes",
        "UserStateLen", "UserMsgLen"};
    private static final byte[][] ASCII_NAMES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            ASCII_NAMES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The field names one struct has, as a set of field ids: matched without making strings. */
    static final class Keys {
        private final long mask;

        private Keys(long mask) {
            this.mask = mask;
        }

        /**
         * @param names Go field names, each one of the names this table reads
         * @return the set
         */
        static Keys of(String... names) {
            long mask = 0;
            for (String n : names) {
                int id = List.of(NAMES).indexOf(n);
                if (id < 0) {
                    throw new IllegalArgumentException("no wire field " + n);
                }
                mask |= 1L << id;
            }
            return new Keys(mask);
        }

        /**
         * @param more further names
         * @return this set and those names
         */
        Keys with(String... more) {
            return new Keys(mask | of(more).mask);
        }

        boolean contains(int id) {
            return id >= 0 && (mask & (1L << id)) != 0;
        }
    }

    private WireFields() {
    }

    /**
     * @param r    positioned at the struct's map
     * @param what the struct, for error messages
     * @param keys the Go field names this struct has
     * @return the fields read
     * @throws DropException {@code malformed} when the map or a field is bad
     */
    static WireFields read(GoMsgpackReader r, String what, Keys keys) throws DropException {
        WireFields f = new WireFields();
        int n = r.readMapHeader(what);
        for (int i = 0; i < n; i++) {
            int id = r.readKey(ASCII_NAMES);
            if (keys.contains(id)) {
                f.read(r, id);
            } else {
                r.skipValue();
            }
        }
        return f;
    }

    private void read(GoMsgpackReader r, int id) throws DropException {
        String key = NAMES[id];
        switch (id) {
            case 0 -> seqNo = r.readInteger(key, 0, 0xFFFF_FFFFL);
            case 1 -> incarnation = r.readInteger(key, 0, 0xFFFF_FFFFL);
            case 2 -> node = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case 3 -> from = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case 4 -> name = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case 5 -> error = r.readString(key, WireCodec.MAX_ERROR_BYTES);
            // Go omits the optional source fields when empty, so empty reads as absent.
            case 6 -> sourceNode = emptyToNull(r.readString(key, WireCodec.MAX_NAME_BYTES));
            case 7 -> sourceAddr = emptyToNull(readIp(r, key));
            case 8 -> addr = readIp(r, key);
            case 9 -> target = readIp(r, key);
            case 10 -> meta = r.readBytes(key, WireCodec.MAX_META_BYTES);
            case 11 -> vsn = r.readBytes(key, r.remaining());
            case 12 -> payload = r.readBytes(key, r.remaining());
            case 13 -> buf = r.readBytes(key, r.remaining());
            case 14 -> port = (int) r.readInteger(key, 0, 0xFFFF);
            case 15 -> sourcePort = (int) r.readInteger(key, 0, 0xFFFF);
            // Go's int: any value decodes; memberlist ignores states it does not know.
            case 16 -> state = (int) r.readInteger(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case 17 -> algo = r.readInteger(key, 0, 255);
            case 18 -> nack = r.readBool(key);
            case 19 -> join = r.readBool(key);
            case 20 -> nodes = r.readInteger(key, 0, Long.MAX_VALUE);
            case 21 -> userStateLen = r.readInteger(key, 0, Long.MAX_VALUE);
            case 22 -> userMsgLen = r.readInteger(key, 0, WireCodec.MAX_STREAM_BYTES);
            default -> throw new IllegalArgumentException("no wire field " + id);
        }
    }

    private static byte[] readIp(GoMsgpackReader r, String field) throws DropException {
        byte[] ip = r.readBytes(field, 16);
        if (ip != null && ip.length != 0 && ip.length != 4 && ip.length != 16) {
            throw new DropException("malformed", field + " is " + ip.length + " bytes, not an IPv4 (4) or IPv6 (16) address");
        }
        return ip;
    }

    static byte[] emptyToNull(byte[] b) {
        return b == null || b.length == 0 ? null : b;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
