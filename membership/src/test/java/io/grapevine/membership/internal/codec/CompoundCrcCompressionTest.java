package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompoundCrcCompressionTest {
    private static final HexFormat HEX = HexFormat.of();

    /** What {@link Compound#walk} hands out: copies of the parts that fit, and how many did not. */
    private record Walked(List<byte[]> parts, int missing) {
    }

    private static Walked walk(byte[] compound) throws DropException {
        List<byte[]> parts = new ArrayList<>();
        int missing = Compound.walk(compound, 0, compound.length, (b, from, to) -> parts.add(Arrays.copyOfRange(b, from, to)));
        return new Walked(parts, missing);
    }

    @Test
    void compoundLayout() throws DropException {
        byte[] a = HEX.parseHex("0b81a55365714e6f01");
        byte[] b = HEX.parseHex("08aabb");
        byte[] c = Compound.encode(List.of(a, b));
        // 07 | count 2 | lengths 0009, 0003 | bodies
        assertThat(HEX.formatHex(c)).isEqualTo("07" + "02" + "0009" + "0003" + "0b81a55365714e6f01" + "08aabb");
        Walked parts = walk(c);
        assertThat(parts.parts()).containsExactly(a, b);
        assertThat(parts.missing()).isZero();
    }

    @Test
    void truncatedCompoundKeepsThePartsThatFit() throws DropException {
        // three parts announced (2, 2, 5 bytes) but only 2 + 2 + 3 body bytes present
        Walked parts = walk(HEX.parseHex("0703" + "0002" + "0002" + "0005" + "0801" + "0802" + "080303"));
        assertThat(parts.parts()).containsExactly(HEX.parseHex("0801"), HEX.parseHex("0802"));
        assertThat(parts.missing()).isEqualTo(1);
    }

    @Test
    void hostileCompoundHeadersCostNothing() throws DropException {
        // 255 parts of 65535 bytes claimed in a 100-byte packet: the length table alone does not fit
        byte[] hostile = new byte[100];
        hostile[0] = 7;
        hostile[1] = (byte) 255;
        java.util.Arrays.fill(hostile, 2, 100, (byte) 0xff);
        assertThatThrownBy(() -> walk(hostile)).isInstanceOf(DropException.class)
                .hasMessageContaining("truncated length table");
        // 40 parts of 65535 bytes: the table fits, no part does
        hostile[1] = 40;
        Walked parts = walk(hostile);
        assertThat(parts.parts()).isEmpty();
        assertThat(parts.missing()).isEqualTo(40);
        assertThatThrownBy(() -> walk(new byte[] {7})).isInstanceOf(DropException.class);
        assertThatThrownBy(() -> walk(new byte[] {8, 0})).isInstanceOf(DropException.class);
    }

    @Test
    void compoundEncodeLimits() {
        assertThat(Compound.encode(Collections.nCopies(255, new byte[] {8})).length).isEqualTo(2 + 255 * 3);
        assertThatThrownBy(() -> Compound.encode(Collections.nCopies(256, new byte[] {8})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Compound.encode(List.of(new byte[65536])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Compound.encode(List.of(new byte[65535])).length).isEqualTo(4 + 65535);
    }

    @Test
    void crcGoodAndBad() throws DropException {
        // CRC-32/IEEE("123456789") = cbf43926, the standard check value
        byte[] payload = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] wrapped = Crc.wrap(payload);
        assertThat(HEX.formatHex(wrapped)).isEqualTo("0c" + "cbf43926" + "313233343536373839");
        assertThat(Arrays.copyOfRange(wrapped, Crc.verify(wrapped), wrapped.length)).isEqualTo(payload);
        wrapped[7] ^= 1;
        assertThatThrownBy(() -> Crc.verify(wrapped)).isInstanceOf(DropException.class)
                .extracting(e -> ((DropException) e).reason()).isEqualTo("crc");
        assertThatThrownBy(() -> Crc.verify(HEX.parseHex("0c0000"))).isInstanceOf(DropException.class)
                .extracting(e -> ((DropException) e).reason()).isEqualTo("malformed");
    }

    @Test
    void compressedEnvelope() throws DropException {
        byte[] msg = "ABABABA".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] wrapped = Compression.wrap(msg);
        // 09 | map(2) | "Algo" 0 | "Buf" raw(7) = the hand-derived LZW vector in LzwTest
        assertThat(HEX.formatHex(wrapped)).isEqualTo("09" + "82" + "a4416c676f" + "00" + "a3427566" + "a7" + "00830811483020");
        assertThat(Compression.unwrap(wrapped, 100)).isEqualTo(msg);
        // Buf as bin8 and keys in another order, as another writer may send them
        assertThat(Compression.unwrap(HEX.parseHex("0982" + "a3427566" + "c40700830811483020" + "a4416c676f00"), 100)).isEqualTo(msg);
    }

    @Test
    void compressedEnvelopeErrors() {
        assertThatThrownBy(() -> Compression.unwrap(HEX.parseHex("0982a4416c676f01a3427566a10000"), 100))
                .hasMessageContaining("unknown compression algorithm 1")
                .extracting(e -> ((DropException) e).reason()).isEqualTo("compression");
        assertThatThrownBy(() -> Compression.unwrap(HEX.parseHex("0981a4416c676f00"), 100))
                .hasMessageContaining("no Buf")
                .extracting(e -> ((DropException) e).reason()).isEqualTo("compression");
        assertThatThrownBy(() -> Compression.unwrap(HEX.parseHex("0801"), 100))
                .extracting(e -> ((DropException) e).reason()).isEqualTo("malformed");
        byte[] big = Compression.wrap(new byte[100_000]);
        assertThatThrownBy(() -> Compression.unwrap(big, 65536))
                .extracting(e -> ((DropException) e).reason()).isEqualTo("compression");
    }
}
