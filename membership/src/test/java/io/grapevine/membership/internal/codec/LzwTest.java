package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzwTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String TOBE = "TOBEORNOTTOBEORTOBEORNOT";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * "ABABABA", derived by hand.
     * <pre>
     * codes (all 9 bits wide; next code to assign starts at 258):
     *   256 clear
     *   65  'A'    ; "AB" is new -> 258
     *   66  'B'    ; "BA" is new -> 259
     *   258 "AB"   ; "ABA" is new -> 260
     *   260 "ABA"  ; last code: the reader meets 260 before defining it (KwKwK: "AB" + 'A')
     *   257 end
     * LSB-first packing, bit i of the stream = bit (i - 9k) of code k:
     *   byte 0 = bits 0-7   = 256 & 0xff                                  = 0x00
     *   byte 1 = bits 8-15  = (256 >> 8) | (65 & 0x7f) << 1              = 0x83
     *   byte 2 = bits 16-23 = (65 >> 7) | (66 & 0x3f) << 2               = 0x08
     *   byte 3 = bits 24-31 = (66 >> 6) | (258 & 0x1f) << 3              = 0x11
     *   byte 4 = bits 32-39 = (258 >> 5) | (260 & 0x0f) << 4             = 0x48
     *   byte 5 = bits 40-47 = (260 >> 4) | (257 & 0x07) << 5             = 0x30
     *   byte 6 = bits 48-53 = 257 >> 3, two pad bits                      = 0x20
     * </pre>
     */
    @Test
    void handDerivedVectorWithKwKwK() throws DropException {
        assertThat(HEX.formatHex(Lzw.compress(ascii("ABABABA")))).isEqualTo("00830811483020");
        assertThat(Lzw.decompress(HEX.parseHex("00830811483020"), 100)).isEqualTo(ascii("ABABABA"));
    }

    /** Vectors from Go's compress/lzw tests (data, not code): what its current writer emits. */
    @Test
    void goWriterVectors() throws DropException {
        assertThat(HEX.formatHex(Lzw.compress(new byte[0]))).isEqualTo("000302");
        String tobe = "00a93c1152e48914274fa80824687061c183090302";
        assertThat(HEX.formatHex(Lzw.compress(ascii(TOBE)))).isEqualTo(tobe);
        assertThat(Lzw.decompress(HEX.parseHex(tobe), 100)).isEqualTo(ascii(TOBE));
        assertThat(Lzw.decompress(HEX.parseHex("000302"), 100)).isEmpty();
    }

    /** Older Go writers (and other encoders) send no leading clear code. */
    @Test
    void streamsWithoutALeadingClearDecode() throws DropException {
        assertThat(Lzw.decompress(HEX.parseHex("0101"), 100)).isEmpty();
        assertThat(Lzw.decompress(HEX.parseHex("549e0829f2448a93275404123 4b8b0e0c1840101".replace(" ", "")), 100))
                .isEqualTo(ascii(TOBE));
        byte[] gif = HEX.parseHex("28ffffff28ffffffffffffffffffff");
        assertThat(Lzw.decompress(HEX.parseHex("0051fc1b2870a0c1830101"), 100)).isEqualTo(gif);
    }

    /**
     * Width timing, checked with an independent bit reader: in input where no byte pair repeats
     * every code is a literal, so the k-th code after a clear must be input byte k, read at 9
     * bits for k <= 255, 10 up to 767, 11 up to 1791, then 12; after 3838 codes the writer must
     * send a clear (at 12 bits) instead of assigning code 4095, and start over at 9 bits.
     */
    @Test
    void codeWidthsGrowAndResetExactlyWhereGoDoes() {
        byte[] in = distinctPairs(5000);
        byte[] out = Lzw.compress(in);
        LsbBits bits = new LsbBits(out);
        assertThat(bits.read(9)).isEqualTo(256);
        int k = 0;
        for (int i = 0; i < in.length; i++) {
            k++;
            assertThat(bits.read(widthFor(k))).as("code %d", i).isEqualTo(in[i] & 0xff);
            if (k == 3838 && i < in.length - 1) {
                assertThat(bits.read(12)).as("clear after 3838 codes").isEqualTo(256);
                k = 0;
            }
        }
        assertThat(k).isEqualTo(5000 - 3838);
        assertThat(bits.read(widthFor(k + 1))).as("end code").isEqualTo(257);
        assertThat(bits.bytesUsed()).isEqualTo(out.length);
    }

    /** A table that fills up without a clear (another encoder's choice) keeps decoding at 12 bits. */
    @Test
    void aFullTableWithoutClearKeepsDecoding() throws DropException {
        byte[] in = distinctPairs(5000);
        List<int[]> codes = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            codes.add(new int[] {in[i] & 0xff, Math.min(12, widthFor(i + 1))});
        }
        codes.add(new int[] {257, 12});
        assertThat(Lzw.decompress(pack(codes), 10_000)).isEqualTo(in);
    }

    @Test
    void roundTripsRandomRepetitiveAndLargeData() throws DropException {
        Random rnd = new Random(42);
        List<byte[]> inputs = new ArrayList<>();
        for (int len : new int[] {1, 2, 3, 255, 256, 257, 1000, 4096, 10_000}) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            inputs.add(b);
        }
        inputs.add(ascii("abc".repeat(100_000)));
        inputs.add(new byte[1 << 20]); // 1 MiB of zeros: codes grow long, no reset
        byte[] lowEntropy = new byte[1 << 20]; // 1 MiB over 4 symbols: many table resets
        for (int i = 0; i < lowEntropy.length; i++) {
            lowEntropy[i] = (byte) ('a' + rnd.nextInt(4));
        }
        inputs.add(lowEntropy);
        byte[] random = new byte[1 << 20];
        rnd.nextBytes(random);
        inputs.add(random);
        for (byte[] in : inputs) {
            byte[] c = Lzw.compress(in);
            assertThat(Lzw.decompress(c, in.length)).as("length %d", in.length).isEqualTo(in);
        }
        assertThat(Lzw.compress(new byte[1 << 20]).length).isLessThan(4096);
    }

    @Test
    void outputIsBoundedBeforeItIsAllocated() throws DropException {
        byte[] bomb = Lzw.compress(new byte[1 << 20]);
        assertThatThrownBy(() -> Lzw.decompress(bomb, 64 * 1024)).isInstanceOf(DropException.class)
                .hasMessageContaining("inflates beyond 65536 bytes")
                .extracting(e -> ((DropException) e).reason()).isEqualTo("compression");
        assertThat(Lzw.decompress(bomb, 1 << 20)).hasSize(1 << 20);
    }

    @Test
    void invalidCodesAndTruncationAreCompressionDrops() {
        // clear, then code 300 before anything defined it
        byte[] invalid = pack(List.of(new int[] {256, 9}, new int[] {300, 9}, new int[] {257, 9}));
        assertThatThrownBy(() -> Lzw.decompress(invalid, 100)).hasMessageContaining("invalid LZW code 300");
        byte[] tobe = Lzw.compress(ascii(TOBE));
        assertThatThrownBy(() -> Lzw.decompress(Arrays.copyOf(tobe, tobe.length - 2), 100))
                .isInstanceOf(DropException.class).hasMessageContaining("ends without its end code");
        assertThatThrownBy(() -> Lzw.decompress(new byte[0], 100)).isInstanceOf(DropException.class);
    }

    @Test
    void garbageNeverEscapesAsAnythingButADrop() {
        Random rnd = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            try {
                assertThat(Lzw.decompress(b, 4096)).hasSizeLessThanOrEqualTo(4096);
            } catch (DropException e) {
                assertThat(e.reason()).isEqualTo("compression");
            }
        }
    }

    /** Bytes whose adjacent pairs never repeat: steps of a fixed odd size, a new size per 256 steps. */
    static byte[] distinctPairs(int n) {
        byte[] b = new byte[n];
        int x = 0;
        for (int k = 0; k < n; k++) {
            b[k] = (byte) x;
            x = (x + 2 * (k / 256) + 1) & 0xff;
        }
        return b;
    }

    private static int widthFor(int k) {
        return k <= 255 ? 9 : k <= 767 ? 10 : k <= 1791 ? 11 : 12;
    }

    private static byte[] pack(List<int[]> codesAndWidths) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long acc = 0;
        int n = 0;
        for (int[] cw : codesAndWidths) {
            acc |= (long) cw[0] << n;
            n += cw[1];
            while (n >= 8) {
                out.write((int) (acc & 0xff));
                acc >>>= 8;
                n -= 8;
            }
        }
        if (n > 0) {
            out.write((int) acc);
        }
        return out.toByteArray();
    }

    private static final class LsbBits {
        private final byte[] b;
        private int bit;

        LsbBits(byte[] b) {
            this.b = b;
        }

        int read(int width) {
            int v = 0;
            for (int i = 0; i < width; i++, bit++) {
                v |= ((b[bit >> 3] >> (bit & 7)) & 1) << i;
            }
            return v;
        }

        int bytesUsed() {
            return (bit + 7) / 8;
        }
    }
}
