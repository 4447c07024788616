package io.grapevine.membership.internal.codec;

/**
 * memberlist's compressed message, {@code [9][msgpack map {Algo: 0, Buf: LZW bytes}]}; the
 * inflated bytes are again a message with its own type byte. LZW (algorithm 0) is the only
 * algorithm memberlist defines.
 */
public final class Compression {
    /** memberlist's {@code lzwAlgo}. */
    public static final int ALGO_LZW = 0;
    private static final WireFields.Keys KEYS = WireFields.Keys.of("Algo", "Buf");

    private Compression() {
    }

    /**
     * @param msg the message (or compound) to compress
     * @return the compressed message; callers on the packet path send it only when it is smaller
     */
    public static byte[] wrap(byte[] msg) {
        return new GoMsgpackWriter()
                .rawByte(MessageType.COMPRESS)
                .mapHeader(2)
                .string("Algo").integer(ALGO_LZW)
                .string("Buf").bytes(Lzw.compress(msg))
                .toByteArray();
    }

    /**
     * @param buf    a compressed message, starting with type byte 9
     * @param maxOut the most bytes it may inflate to
     * @return the inflated message
     * @throws DropException {@code compression} for an unknown algorithm, a missing buffer, or a
     *                       bad or oversized LZW stream; {@code malformed} for a bad envelope
     */
    public static byte[] unwrap(byte[] buf, int maxOut) throws DropException {
        if (buf.length == 0 || (buf[0] & 0xff) != MessageType.COMPRESS) {
            throw new DropException("malformed", "not a compressed message: no type byte 9");
        }
        WireFields f = WireFields.read(new GoMsgpackReader(buf, 1, buf.length), "compress", KEYS);
        long algo = f.algo;
        byte[] lzw = f.buf;
        if (algo != ALGO_LZW) {
            throw new DropException("compression", "unknown compression algorithm " + algo);
        }
        if (lzw == null || lzw.length == 0) {
            throw new DropException("compression", "compressed message has no Buf");
        }
        return Lzw.decompress(lzw, maxOut);
    }
}
