package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class GoMsgpackTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(GoMsgpackWriter w) {
        return HEX.formatHex(w.toByteArray());
    }

    private static GoMsgpackReader reader(String hex) {
        byte[] b = HEX.parseHex(hex);
        return new GoMsgpackReader(b, 0, b.length);
    }

    private static void assertMalformed(ThrowingCallable call, String detail) {
        assertThatThrownBy(call).isInstanceOf(DropException.class)
                .hasMessageContaining(detail)
                .extracting(e -> ((DropException) e).reason()).isEqualTo("malformed");
    }

    @Test
    void stringsUseTheRawFamilyNeverStr8() {
        assertThat(hex(new GoMsgpackWriter().string("x".repeat(31)))).startsWith("bf");
        // 32..255 bytes: Go writes 0xda u16 where msgpack's newer spec would use str8 0xd9.
        assertThat(hex(new GoMsgpackWriter().string("x".repeat(32)))).startsWith("da0020");
        assertThat(hex(new GoMsgpackWriter().string("x".repeat(40)))).startsWith("da002878");
        assertThat(hex(new GoMsgpackWriter().string("x".repeat(65536)))).startsWith("db00010000");
        assertThat(hex(new GoMsgpackWriter().string(null))).isEqualTo("a0");
    }

    @Test
    void byteSlicesUseTheRawFamilyNeverBinAndNilIsNil() {
        assertThat(hex(new GoMsgpackWriter().bytes(new byte[] {1, 2}))).isEqualTo("a20102");
        assertThat(hex(new GoMsgpackWriter().bytes(new byte[40]))).startsWith("da0028");
        assertThat(hex(new GoMsgpackWriter().bytes(new byte[0]))).isEqualTo("a0");
        assertThat(hex(new GoMsgpackWriter().bytes(null))).isEqualTo("c0");
    }

    @Test
    void unsignedIntegersTakeTheSmallestUnsignedForm() {
        assertThat(hex(new GoMsgpackWriter().integer(0).integer(127))).isEqualTo("007f");
        assertThat(hex(new GoMsgpackWriter().integer(128).integer(255))).isEqualTo("cc80ccff");
        assertThat(hex(new GoMsgpackWriter().integer(256).integer(65535))).isEqualTo("cd0100cdffff");
        assertThat(hex(new GoMsgpackWriter().integer(65536).integer(0xFFFF_FFFFL))).isEqualTo("ce00010000ceffffffff");
        assertThat(hex(new GoMsgpackWriter().integer(1L << 32))).isEqualTo("cf0000000100000000");
        assertThat(hex(new GoMsgpackWriter().integer(-1).integer(-33))).isEqualTo("ffd0df");
    }

    @Test
    void boolsNilAndMapHeaders() {
        assertThat(hex(new GoMsgpackWriter().bool(false).bool(true).nil())).isEqualTo("c2c3c0");
        assertThat(hex(new GoMsgpackWriter().mapHeader(15).mapHeader(16))).isEqualTo("8fde0010");
    }

    @Test
    void byteFieldsAcceptEveryStrAndBinForm() throws DropException {
        for (String form : new String[] {"a2", "d902", "da0002", "db00000002", "c402", "c50002", "c600000002"}) {
            assertThat(reader(form + "ff80").readBytes("Meta", 512)).as(form).containsExactly(0xff, 0x80);
        }
        assertThat(reader("c0").readBytes("Meta", 512)).isNull();
        assertThat(reader("a0").readBytes("Meta", 512)).isEmpty();
    }

    @Test
    void stringFieldsAcceptStrFormsOnly() throws DropException {
        assertThat(reader("d9026e31").readString("Node", 128)).isEqualTo("n1");
        assertThat(reader("da00026e31").readString("Node", 128)).isEqualTo("n1");
        assertThat(reader("c0").readString("Node", 128)).isEmpty();
        assertMalformed(() -> reader("c4026e31").readString("Node", 128), "Node is not a string");
        assertMalformed(() -> reader("01").readString("Node", 128), "Node is not a string");
    }

    @Test
    void stringsOverTheirBoundOrNotUtf8AreMalformed() {
        assertMalformed(() -> reader("a3616263").readString("Node", 2), "Node is 3 bytes, the limit is 2");
        assertMalformed(() -> reader("a2c328").readString("Node", 128), "not valid UTF-8");
    }

    @Test
    void lengthsBeyondTheBufferAllocateNothingAndAreMalformed() {
        assertMalformed(() -> reader("dbffffffff00").readBytes("Buf", Integer.MAX_VALUE), "Buf is 4294967295 bytes");
        assertMalformed(() -> reader("db7fff000000").readBytes("Buf", Integer.MAX_VALUE), "claims 2147418112 bytes, 1 remain");
        assertMalformed(() -> reader("c6ffffffff").readBytes("Buf", Integer.MAX_VALUE), "Buf is 4294967295 bytes");
        assertMalformed(() -> reader("dfffffffff").readMapHeader("ping"), "claims 4294967295 entries");
        assertMalformed(() -> reader("8f00").readMapHeader("ping"), "claims 15 entries in 1 bytes");
        assertMalformed(() -> reader("01").readMapHeader("ping"), "ping is not a map");
    }

    @Test
    void integersAcceptEveryFormWithinTheFieldRange() throws DropException {
        for (String form : new String[] {"05", "cc05", "cd0005", "ce00000005", "cf0000000000000005", "d005", "d10005", "d200000005", "d30000000000000005"}) {
            assertThat(reader(form).readInteger("SeqNo", 0, 0xFFFF_FFFFL)).as(form).isEqualTo(5);
        }
        assertThat(reader("c0").readInteger("SeqNo", 0, 10)).isZero();
        assertThat(reader("ff").readInteger("State", Integer.MIN_VALUE, Integer.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void negativeOrOversizedUnsignedValuesAreMalformed() {
        assertMalformed(() -> reader("ff").readInteger("SeqNo", 0, 0xFFFF_FFFFL), "SeqNo = -1 is out of range");
        assertMalformed(() -> reader("d0ff").readInteger("SeqNo", 0, 0xFFFF_FFFFL), "out of range");
        assertMalformed(() -> reader("cf0000000100000000").readInteger("SeqNo", 0, 0xFFFF_FFFFL), "4294967296 is out of range");
        assertMalformed(() -> reader("cfffffffffffffffff").readInteger("SeqNo", 0, 0xFFFF_FFFFL), "18446744073709551615 is out of range");
        assertMalformed(() -> reader("ce00010000").readInteger("Port", 0, 0xFFFF), "Port = 65536 is out of range");
        assertMalformed(() -> reader("cb3ff0000000000000").readInteger("Port", 0, 0xFFFF), "Port is not an integer");
    }

    @Test
    void boolsAcceptOnlyBoolsAndNil() throws DropException {
        assertThat(reader("c3").readBool("Join")).isTrue();
        assertThat(reader("c0").readBool("Join")).isFalse();
        assertMalformed(() -> reader("01").readBool("Join"), "Join is not a bool");
    }

    @Test
    void skipValueSkipsEveryTypeIncludingNestedContainers() throws DropException {
        // map{ "a": [1, -1, 1.0f, ext8, fixext4, bin8, nil], "b": {"c": str16} } then a marker 0x2a
        String value = "82" + "a161" + "97" + "01" + "ff" + "ca3f800000" + "c7020501ff" + "d605" + "01020304" + "c401aa" + "c0"
                + "a162" + "81" + "a163" + "da0003616263";
        GoMsgpackReader r = reader(value + "2a");
        r.skipValue();
        assertThat(r.readInteger("marker", 0, 255)).isEqualTo(42);
    }

    @Test
    void skipValueHandlesDeepNestingWithoutRecursion() throws DropException {
        byte[] deep = new byte[100_001];
        Arrays.fill(deep, 0, 100_000, (byte) 0x91); // fixarray of one element, 100,000 deep
        deep[100_000] = 0x01;
        GoMsgpackReader r = new GoMsgpackReader(deep, 0, deep.length);
        r.skipValue();
        assertThat(r.remaining()).isZero();
    }

    @Test
    void skipValueRejectsAbsurdCountsAndUnassignedFormats() {
        assertMalformed(() -> reader("ddffffffff01").skipValue(), "claims 4294967295 values");
        assertMalformed(() -> reader("dfffffffff").skipValue(), "values");
        assertMalformed(() -> reader("c9ffffffff01").skipValue(), "skipped value claims");
        assertMalformed(() -> reader("c1").skipValue(), "format 0xc1 is not msgpack");
        assertMalformed(() -> reader("92").skipValue(), "claims 2 values in 0 bytes");
        assertMalformed(() -> reader("a5616263").skipValue(), "skipped value claims 5 bytes, 3 remain");
        assertMalformed(() -> reader("").skipValue(), "message cut short");
    }

    @Test
    void readRawReadsWhatFollowsMsgpack() throws DropException {
        GoMsgpackReader r = reader("01aabb");
        r.readInteger("x", 0, 1);
        assertThat(r.readRaw("state", 2)).containsExactly(0xaa, 0xbb);
        assertMalformed(() -> reader("aa").readRaw("state", 2), "state claims 2 bytes, 1 remain");
    }
}
