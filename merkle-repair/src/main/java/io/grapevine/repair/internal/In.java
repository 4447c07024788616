package io.grapevine.repair.internal;

import io.grapevine.repair.RepairProtocolException;
import java.util.Arrays;

/** A bounds-checked reader of one frame payload: any overrun is a protocol error, never a crash. */
final class In {
    private final byte[] buf;
    private final String frame;
    private int pos;

    In(byte[] buf, String frame) {
        this.buf = buf;
        this.frame = frame;
    }

    int remaining() {
        return buf.length - pos;
    }

    private void need(int n) {
        if (n < 0 || n > buf.length - pos) {
            throw new RepairProtocolException(frame + " frame truncated: needs " + n + " more bytes at offset " + pos
                    + " of " + buf.length);
        }
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int i32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new RepairProtocolException(frame + " frame has a malformed varint at offset " + pos);
    }

    /**
     * @param max the largest acceptable value
     * @param what the field, for the error
     * @return a varint checked to lie in [0, max]
     */
    int count(long max, String what) {
        long v = varint();
        if (v < 0 || v > max) {
            throw new RepairProtocolException(frame + " frame: " + what + " " + Long.toUnsignedString(v)
                    + " out of bounds (max " + max + ")");
        }
        return (int) v;
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    void end() {
        if (pos != buf.length) {
            throw new RepairProtocolException(frame + " frame has " + (buf.length - pos) + " trailing bytes");
        }
    }

    RepairProtocolException error(String message) {
        return new RepairProtocolException(frame + " frame: " + message);
    }
}
