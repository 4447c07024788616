package io.grapevine.membership.internal.codec;

import java.util.Arrays;

/**
 * LZW exactly as Go's {@code compress/lzw} speaks it with {@code LSB} order and literal width 8,
 * which is what memberlist compresses with:
 * <ul>
 *   <li>codes 0..255 are literals, 256 is clear, 257 is end; new codes start at 258;</li>
 *   <li>codes start 9 bits wide and grow to at most 12, packed least significant bit first;</li>
 *   <li>both sides count one "next code" per code sent after a clear (the literal right after a
 *       clear creates no entry but still counts), and widen as soon as that count reaches
 *       {@code 1 << width}: the first 10-bit code is the 256th code after a clear;</li>
 *   <li>the writer sends a clear first (current Go does; older Go writers did not, and the
 *       reader accepts both), sends a clear instead of ever assigning code 4095, and ends with the end code
 *       followed by the leftover bits in a final byte;</li>
 *   <li>a code equal to the next code to be assigned ("KwKwK") expands to the previous string
 *       plus its own first byte.</li>
 * </ul>
 * This is our own implementation from those facts; its output is byte-identical to Go's writer.
 */
public final class Lzw {
    private static final int CLEAR = 256;
    private static final int END = 257;
    private static final int FIRST_WIDTH = 9;
    private static final int MAX_WIDTH = 12;
    /** The writer clears rather than assign this code. */
    private static final int MAX_CODE = (1 << MAX_WIDTH) - 1;
    private static final int NO_CODE = -1;

    private Lzw() {
    }

    /**
     * @param in the bytes to compress
     * @return the LZW stream, as Go's {@code lzw.NewWriter(w, lzw.LSB, 8)} writes it
     */
    public static byte[] compress(byte[] in) {
        CodeWriter out = new CodeWriter(in.length);
        if (in.length == 0) {
            out.write(END);
            return out.finish();
        }
        Dictionary dict = new Dictionary();
        int code = in[0] & 0xff;
        for (int i = 1; i < in.length; i++) {
            int literal = in[i] & 0xff;
            int known = dict.find(code, literal);
            if (known != NO_CODE) {
                code = known;
                continue;
            }
            if (out.writeCounted(code)) {
                dict.clear();
            } else {
                dict.put(code, literal, out.hi);
            }
            code = literal;
        }
        out.writeCounted(code);
        out.write(END);
        return out.finish();
    }

    /**
     * @param in     an LZW stream
     * @param maxOut the most bytes it may inflate to
     * @return the inflated bytes
     * @throws DropException {@code compression} when the output would pass maxOut, a code is
     *                       invalid, or the stream ends before its end code
     */
    public static byte[] decompress(byte[] in, int maxOut) throws DropException {
        BitReader bits = new BitReader(in);
        Output out = new Output(maxOut, in.length);
        int[] prefix = new int[1 << MAX_WIDTH];
        byte[] suffix = new byte[1 << MAX_WIDTH];
        byte[] scratch = new byte[1 << MAX_WIDTH];
        int width = FIRST_WIDTH;
        int next = END; // Go's "hi": the code the next new entry is stored under
        int last = NO_CODE;
        while (true) {
            int code = bits.read(width);
            if (code == CLEAR) {
                width = FIRST_WIDTH;
                next = END;
                last = NO_CODE;
                continue;
            }
            if (code == END) {
                return out.toByteArray();
            }
            if (code > next) {
                throw new DropException("compression", "invalid LZW code " + code + " (next is " + next + ")");
            }
            int start;
            if (code < CLEAR) {
                start = scratch.length - 1;
                scratch[start] = (byte) code;
            } else {
                // Walk the prefix chain right to left; every prefix is a smaller code, so it ends.
                int i = scratch.length;
                int c = code;
                if (code == next && last != NO_CODE) {
                    i--; // the KwKwK byte (first byte of last) is filled in below
                    c = last;
                }
                while (c >= CLEAR) {
                    scratch[--i] = suffix[c];
                    c = prefix[c];
                }
                scratch[--i] = (byte) c;
                if (code == next && last != NO_CODE) {
                    scratch[scratch.length - 1] = (byte) c;
                }
                start = i;
            }
            out.write(scratch, start, scratch.length - start);
            if (last != NO_CODE) {
                suffix[next] = scratch[start];
                prefix[next] = last;
            }
            last = code;
            next++;
            if (next >= 1 << width) {
                if (width == MAX_WIDTH) {
                    // The table is full; keep decoding with it as it is until a clear.
                    last = NO_CODE;
                    next--;
                } else {
                    width++;
                }
            }
        }
    }

    /**
     * Packs codes least significant bit first and keeps the writer's count of assigned codes:
     * it starts with a clear, and each data code assigns the next code number.
     */
    private static final class CodeWriter {
        private byte[] buf;
        private int len;
        private long bits;
        private int nBits;
        private int width = FIRST_WIDTH;
        /** The last code assigned (END before any). */
        int hi = END;

        CodeWriter(int inputLength) {
            // Worst case: one 12-bit code per input byte, plus clears and the framing codes.
            long max = (12L * (inputLength + inputLength / 3000 + 4)) / 8 + 2;
            buf = new byte[(int) Math.min(max, Integer.MAX_VALUE - 8)];
            write(CLEAR);
        }

        /**
         * Writes a data code, which assigns code {@code hi + 1} to its string plus the next byte;
         * widens as soon as that number needs another bit, and clears rather than assign 4095.
         *
         * @return whether the table was cleared (the caller then forgets its dictionary)
         */
        boolean writeCounted(int code) {
            write(code);
            hi++;
            if (hi == 1 << width) {
                width++;
            }
            if (hi == MAX_CODE) {
                write(CLEAR);
                width = FIRST_WIDTH;
                hi = END;
                return true;
            }
            return false;
        }

        void write(int code) {
            bits |= (long) code << nBits;
            nBits += width;
            while (nBits >= 8) {
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                buf[len++] = (byte) bits;
                bits >>>= 8;
                nBits -= 8;
            }
        }

        byte[] finish() {
            if (nBits > 0) {
                width = 8 - nBits;
                write(0);
            }
            return Arrays.copyOf(buf, len);
        }
    }

    /** (prefix code, next byte) to code, open addressing; 8192 slots for at most 3838 entries. */
    private static final class Dictionary {
        private static final int BITS = 13;
        private final int[] keys = new int[1 << BITS];
        private final short[] codes = new short[1 << BITS];

        int find(int prefixCode, int b) {
            int key = (prefixCode << 8 | b) + 1;
            for (int h = slot(key); ; h = (h + 1) & (keys.length - 1)) {
                if (keys[h] == 0) {
                    return NO_CODE;
                }
                if (keys[h] == key) {
                    return codes[h];
                }
            }
        }

        void put(int prefixCode, int b, int code) {
            int key = (prefixCode << 8 | b) + 1;
            int h = slot(key);
            while (keys[h] != 0) {
                h = (h + 1) & (keys.length - 1);
            }
            keys[h] = key;
            codes[h] = (short) code;
        }

        void clear() {
            Arrays.fill(keys, 0);
        }

        private static int slot(int key) {
            return (key * 0x9E3779B1) >>> (32 - BITS);
        }
    }

    /** Reads codes least significant bit first. */
    private static final class BitReader {
        private final byte[] in;
        private int pos;
        private int bits;
        private int nBits;

        BitReader(byte[] in) {
            this.in = in;
        }

        int read(int width) throws DropException {
            while (nBits < width) {
                if (pos >= in.length) {
                    throw new DropException("compression", "LZW stream ends without its end code");
                }
                bits |= (in[pos++] & 0xff) << nBits;
                nBits += 8;
            }
            int code = bits & ((1 << width) - 1);
            bits >>>= width;
            nBits -= width;
            return code;
        }
    }

    /** Inflated bytes, refused past the caller's bound before anything is allocated for them. */
    private static final class Output {
        private final int max;
        private byte[] buf;
        private int len;

        Output(int max, int inputLength) {
            this.max = max;
            this.buf = new byte[(int) Math.min(max, Math.max(64L, 4L * inputLength))];
        }

        void write(byte[] src, int off, int n) throws DropException {
            if (n > max - len) {
                throw new DropException("compression", "LZW stream inflates beyond " + max + " bytes");
            }
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(2L * buf.length, len + n)));
            }
            System.arraycopy(src, off, buf, len, n);
            len += n;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }
}
