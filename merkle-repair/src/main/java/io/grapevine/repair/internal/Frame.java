package io.grapevine.repair.internal;

import io.grapevine.repair.RepairProtocolException;
import java.util.Arrays;

/**
 * One frame: on the wire a 4-byte big-endian length {@code L}, then {@code L} bytes: a type byte
 * and the payload. {@code L} is bounded by the receiver's frame limit; a larger length aborts the
 * session before anything is allocated for it.
 *
 * @param type    the frame type
 * @param payload the payload bytes
 */
public record Frame(FrameType type, byte[] payload) {
    /** Bytes of the length prefix and the type byte. */
    public static final int HEADER_BYTES = 5;
    private static final byte[] EMPTY = new byte[0];

    /**
     * @param type a payload-less frame type
     * @return the frame
     */
    public static Frame of(FrameType type) {
        return new Frame(type, EMPTY);
    }

    /** @return the bytes this frame takes on the wire */
    public int wireSize() {
        return HEADER_BYTES + payload.length;
    }

    /**
     * @return the wire form: length, type, payload
     */
    public byte[] encode() {
        byte[] b = new byte[wireSize()];
        int len = payload.length + 1;
        b[0] = (byte) (len >>> 24);
        b[1] = (byte) (len >>> 16);
        b[2] = (byte) (len >>> 8);
        b[3] = (byte) len;
        b[4] = (byte) type.code();
        System.arraycopy(payload, 0, b, HEADER_BYTES, payload.length);
        return b;
    }

    /**
     * Decodes a frame body (the bytes after the length prefix).
     *
     * @param body type byte and payload
     * @return the frame
     * @throws RepairProtocolException when the body is empty or the type unknown
     */
    public static Frame decodeBody(byte[] body) {
        if (body.length == 0) {
            throw new RepairProtocolException("empty frame");
        }
        return new Frame(FrameType.of(body[0] & 0xFF), Arrays.copyOfRange(body, 1, body.length));
    }
}
