package io.grapevine.membership.internal.codec;

import java.util.List;

/**
 * memberlist's compound packet: several messages in one datagram,
 * {@code [7][count u8][count x u16 length][bodies]}, each body with its own type byte.
 */
public final class Compound {
    /** Most parts one compound can carry (the count is one byte). */
    public static final int MAX_PARTS = 255;
    /** Largest part (the length is a u16). */
    public static final int MAX_PART_BYTES = 0xFFFF;

    private Compound() {
    }

    /**
     * @param parts the encoded messages
     * @return the compound packet
     * @throws IllegalArgumentException when there are more than 255 parts or a part is 64 KiB or more
     */
    public static byte[] encode(List<byte[]> parts) {
        if (parts.size() > MAX_PARTS) {
            throw new IllegalArgumentException("a compound holds at most " + MAX_PARTS + " parts, not " + parts.size());
        }
        int total = 2 + 2 * parts.size();
        for (byte[] p : parts) {
            if (p.length > MAX_PART_BYTES) {
                throw new IllegalArgumentException("a compound part must be under 65536 bytes, not " + p.length);
            }
            total += p.length;
        }
        byte[] out = new byte[total];
        out[0] = (byte) MessageType.COMPOUND;
        out[1] = (byte) parts.size();
        int len = 2;
        int body = 2 + 2 * parts.size();
        for (byte[] p : parts) {
            out[len++] = (byte) (p.length >>> 8);
            out[len++] = (byte) p.length;
            System.arraycopy(p, 0, out, body, p.length);
            body += p.length;
        }
        return out;
    }

    /** Receives one part of a compound, as a range of the compound's own buffer. */
    @FunctionalInterface
    public interface PartSink {
        /**
         * @param buf  the compound's buffer (not a copy: do not keep or modify it)
         * @param from where the part starts (its type byte)
         * @param to   just past its last byte
         */
        void part(byte[] buf, int from, int to);
    }

    /**
     * Hands each part of a compound to {@code sink} in place, without copying it.
     *
     * @param buf  the buffer
     * @param from where the compound starts (its type byte 7)
     * @param to   just past its last byte
     * @param sink receives the parts that fit, in order
     * @return how many announced parts did not fit in the packet: memberlist keeps the parts
     *         before the first one that does not fit and reports the rest as truncated; 0 when
     *         the compound was whole
     * @throws DropException {@code malformed} when it is not a compound or its length table is cut short
     */
    public static int walk(byte[] buf, int from, int to, PartSink sink) throws DropException {
        if (to - from < 2 || (buf[from] & 0xff) != MessageType.COMPOUND) {
            throw new DropException("malformed", "not a compound: no type byte 7 and count");
        }
        int count = buf[from + 1] & 0xff;
        int body = from + 2 + 2 * count;
        if (body > to) {
            throw new DropException("malformed", "compound of " + count + " parts has a truncated length table");
        }
        for (int i = 0; i < count; i++) {
            int len = ((buf[from + 2 + 2 * i] & 0xff) << 8) | (buf[from + 3 + 2 * i] & 0xff);
            if (len > to - body) {
                return count - i;
            }
            sink.part(buf, body, body + len);
            body += len;
        }
        return 0;
    }
}
