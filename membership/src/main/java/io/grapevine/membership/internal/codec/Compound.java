package io.grapevine.membership.internal.codec;

import java.util.ArrayList;
import java.util.Arrays;
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
     * The parts of a decoded compound.
     *
     * @param parts   the parts that fit, in order
     * @param missing how many announced parts did not fit in the packet (memberlist keeps the
     *                parts before the first one that does not fit and reports the rest as
     *                truncated); 0 when the compound was whole
     */
    public record Parts(List<byte[]> parts, int missing) {
        /** @return whether parts were lost to truncation, for the caller's drop counter */
        public boolean truncated() {
            return missing > 0;
        }
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

    /**
     * Splits a compound. Bytes after the last part are ignored, as memberlist ignores them.
     *
     * @param buf the compound, starting with its type byte 7
     * @return the parts that fit and how many did not
     * @throws DropException {@code malformed} when it is not a compound or its length table is cut short
     */
    public static Parts decode(byte[] buf) throws DropException {
        if (buf.length < 2 || (buf[0] & 0xff) != MessageType.COMPOUND) {
            throw new DropException("malformed", "not a compound: no type byte 7 and count");
        }
        int count = buf[1] & 0xff;
        int body = 2 + 2 * count;
        if (body > buf.length) {
            throw new DropException("malformed", "compound of " + count + " parts has a truncated length table");
        }
        List<byte[]> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int len = ((buf[2 + 2 * i] & 0xff) << 8) | (buf[3 + 2 * i] & 0xff);
            if (len > buf.length - body) {
                return new Parts(List.copyOf(parts), count - i);
            }
            parts.add(Arrays.copyOfRange(buf, body, body + len));
            body += len;
        }
        return new Parts(List.copyOf(parts), 0);
    }
}
