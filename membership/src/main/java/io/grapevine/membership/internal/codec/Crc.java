package io.grapevine.membership.internal.codec;

import java.util.zip.CRC32;

/**
 * memberlist's checksum layer, {@code [12][CRC-32 IEEE of the payload, u32 big-endian][payload]}.
 * It is only ever the outermost layer of a (decrypted) packet, and only sent to peers whose
 * protocol max is at least 5.
 */
public final class Crc {
    private static final int HEADER = 5;

    private Crc() {
    }

    /**
     * @param payload the message or compound to protect
     * @return the checksummed packet
     */
    public static byte[] wrap(byte[] payload) {
        long crc = crc32(payload, 0, payload.length);
        byte[] out = new byte[HEADER + payload.length];
        out[0] = (byte) MessageType.HAS_CRC;
        out[1] = (byte) (crc >>> 24);
        out[2] = (byte) (crc >>> 16);
        out[3] = (byte) (crc >>> 8);
        out[4] = (byte) crc;
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    /**
     * Checks a packet's checksum where it lies, so that the payload can be decoded in place.
     *
     * @param buf a checksummed packet, starting with type byte 12
     * @return where the payload starts in {@code buf} (it runs to the end)
     * @throws DropException {@code crc} when the checksum does not match, {@code malformed} when
     *                       the packet is not a CRC packet or is shorter than its header
     */
    public static int verify(byte[] buf) throws DropException {
        if (buf.length < HEADER || (buf[0] & 0xff) != MessageType.HAS_CRC) {
            throw new DropException("malformed", "not a CRC packet: needs type byte 12 and 4 checksum bytes");
        }
        long expected = ((buf[1] & 0xffL) << 24) | ((buf[2] & 0xffL) << 16) | ((buf[3] & 0xffL) << 8) | (buf[4] & 0xffL);
        long actual = crc32(buf, HEADER, buf.length - HEADER);
        if (actual != expected) {
            throw new DropException("crc", String.format("checksum %08x, packet says %08x", actual, expected));
        }
        return HEADER;
    }

    private static long crc32(byte[] b, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, from, length);
        return crc.getValue();
    }
}
