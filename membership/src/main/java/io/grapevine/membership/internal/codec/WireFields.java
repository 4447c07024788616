package io.grapevine.membership.internal.codec;

import java.util.Set;

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

    private WireFields() {
    }

    /**
     * @param r    positioned at the struct's map
     * @param what the struct, for error messages
     * @param keys the Go field names this struct has
     * @return the fields read
     * @throws DropException {@code malformed} when the map or a field is bad
     */
    static WireFields read(GoMsgpackReader r, String what, Set<String> keys) throws DropException {
        WireFields f = new WireFields();
        int n = r.readMapHeader(what);
        for (int i = 0; i < n; i++) {
            String key = r.readKey();
            if (keys.contains(key)) {
                f.read(r, key);
            } else {
                r.skipValue();
            }
        }
        return f;
    }

    private void read(GoMsgpackReader r, String key) throws DropException {
        switch (key) {
            case "SeqNo" -> seqNo = r.readInteger(key, 0, 0xFFFF_FFFFL);
            case "Incarnation" -> incarnation = r.readInteger(key, 0, 0xFFFF_FFFFL);
            case "Node" -> node = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case "From" -> from = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case "Name" -> name = r.readString(key, WireCodec.MAX_NAME_BYTES);
            case "Error" -> error = r.readString(key, WireCodec.MAX_ERROR_BYTES);
            // Go omits the optional source fields when empty, so empty reads as absent.
            case "SourceNode" -> sourceNode = emptyToNull(r.readString(key, WireCodec.MAX_NAME_BYTES));
            case "SourceAddr" -> sourceAddr = emptyToNull(readIp(r, key));
            case "Addr" -> addr = readIp(r, key);
            case "Target" -> target = readIp(r, key);
            case "Meta" -> meta = r.readBytes(key, WireCodec.MAX_META_BYTES);
            case "Vsn" -> vsn = r.readBytes(key, r.remaining());
            case "Payload" -> payload = r.readBytes(key, r.remaining());
            case "Buf" -> buf = r.readBytes(key, r.remaining());
            case "Port" -> port = (int) r.readInteger(key, 0, 0xFFFF);
            case "SourcePort" -> sourcePort = (int) r.readInteger(key, 0, 0xFFFF);
            // Go's int: any value decodes; memberlist ignores states it does not know.
            case "State" -> state = (int) r.readInteger(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "Algo" -> algo = r.readInteger(key, 0, 255);
            case "Nack" -> nack = r.readBool(key);
            case "Join" -> join = r.readBool(key);
            case "Nodes" -> nodes = r.readInteger(key, 0, Long.MAX_VALUE);
            case "UserStateLen" -> userStateLen = r.readInteger(key, 0, Long.MAX_VALUE);
            case "UserMsgLen" -> userMsgLen = r.readInteger(key, 0, WireCodec.MAX_STREAM_BYTES);
            default -> throw new IllegalArgumentException("no wire field " + key);
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
