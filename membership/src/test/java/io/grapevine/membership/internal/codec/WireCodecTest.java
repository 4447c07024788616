package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.internal.codec.Message.Ack;
import io.grapevine.membership.internal.codec.Message.Alive;
import io.grapevine.membership.internal.codec.Message.Dead;
import io.grapevine.membership.internal.codec.Message.ErrorResponse;
import io.grapevine.membership.internal.codec.Message.IndirectPing;
import io.grapevine.membership.internal.codec.Message.Nack;
import io.grapevine.membership.internal.codec.Message.Ping;
import io.grapevine.membership.internal.codec.Message.PushNodeState;
import io.grapevine.membership.internal.codec.Message.PushPull;
import io.grapevine.membership.internal.codec.Message.Suspect;
import io.grapevine.membership.internal.codec.Message.UserPacket;
import io.grapevine.membership.internal.codec.Message.UserStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every message both ways against bytes written out by hand from the spec: keys are fixstr
 * ({@code a4 4e6f6465} = "Node"), sorted by Go field name.
 */
class WireCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] VSN = {1, 5, 2, 2, 5, 5};
    private static final byte[] TAGS_EMPTY = {(byte) 0xff, (byte) 0x80};

    private static byte[] ip(int... octets) {
        byte[] b = new byte[octets.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) octets[i];
        }
        return b;
    }

    /** Encodes to exactly {@code hex} and decodes {@code hex} back to an equal message. */
    private static void bothWays(Message m, String hex, boolean stream) throws DropException {
        assertThat(HEX.formatHex(WireCodec.encode(m))).isEqualTo(hex);
        Message back = WireCodec.decode(HEX.parseHex(hex), stream);
        assertThat(back).isInstanceOf(m.getClass());
        assertThat(back).usingRecursiveComparison().isEqualTo(m);
    }

    private static Message decode(String hex, boolean stream) throws DropException {
        return WireCodec.decode(HEX.parseHex(hex), stream);
    }

    private static void assertDrop(String hex, boolean stream, String reason, String detail) {
        assertThatThrownBy(() -> decode(hex, stream)).isInstanceOf(DropException.class)
                .hasMessageContaining(detail)
                .extracting(e -> ((DropException) e).reason()).isEqualTo(reason);
    }

    @Test
    void pingWithoutSourceFields() throws DropException {
        // 00 ping | 82 map(2) | "Node" "n1" | "SeqNo" 1
        bothWays(new Ping(1, "n1", null, 0, null),
                "00" + "82" + "a44e6f6465" + "a26e31" + "a55365714e6f" + "01", false);
    }

    @Test
    void pingWithSourceFields() throws DropException {
        // 85 map(5) | Node "n2" | SeqNo 300 (cd 012c) | SourceAddr 127.0.0.1 | SourceNode "me" | SourcePort 7946 (cd 1f0a)
        bothWays(new Ping(300, "n2", ip(127, 0, 0, 1), 7946, "me"),
                "00" + "85" + "a44e6f6465" + "a26e32" + "a55365714e6f" + "cd012c"
                        + "aa536f7572636541646472" + "a47f000001"
                        + "aa536f757263654e6f6465" + "a26d65"
                        + "aa536f75726365506f7274" + "cd1f0a", false);
    }

    @Test
    void emptyOptionalSourceFieldsAreLeftOutAndReadAsAbsent() throws DropException {
        assertThat(HEX.formatHex(WireCodec.encode(new Ping(1, "n1", new byte[0], 0, ""))))
                .isEqualTo("0082a44e6f6465a26e31a55365714e6f01");
        // Someone writing SourceAddr/SourceNode empty: Go reads them as nil, so do we.
        Ping p = (Ping) decode("0084a44e6f6465a26e31a55365714e6f01aa536f7572636541646472a0aa536f757263654e6f6465a0", false);
        assertThat(p.sourceAddr()).isNull();
        assertThat(p.sourceNode()).isNull();
    }

    @Test
    void indirectPing() throws DropException {
        // Nack true | Node "t1" | Port 7946 | SeqNo 70000 (ce 00011170) | Target 10.0.0.2
        bothWays(new IndirectPing(70000, ip(10, 0, 0, 2), 7946, "t1", true, null, 0, null),
                "01" + "85" + "a44e61636b" + "c3" + "a44e6f6465" + "a27431" + "a4506f7274" + "cd1f0a"
                        + "a55365714e6f" + "ce00011170" + "a6546172676574" + "a40a000002", false);
    }

    @Test
    void indirectPingWithSourceFields() throws DropException {
        bothWays(new IndirectPing(5, ip(10, 0, 0, 2), 80, "t1", false, ip(10, 0, 0, 9), 7947, "me"),
                "01" + "88" + "a44e61636b" + "c2" + "a44e6f6465" + "a27431" + "a4506f7274" + "50"
                        + "a55365714e6f" + "05"
                        + "aa536f7572636541646472" + "a40a000009"
                        + "aa536f757263654e6f6465" + "a26d65"
                        + "aa536f75726365506f7274" + "cd1f0b"
                        + "a6546172676574" + "a40a000002", false);
    }

    @Test
    void ackWithNilAndWithPayload() throws DropException {
        bothWays(new Ack(9, null), "02" + "82" + "a75061796c6f6164" + "c0" + "a55365714e6f" + "09", false);
        bothWays(new Ack(0xFFFF_FFFFL, new byte[] {1, (byte) 0x82}),
                "02" + "82" + "a75061796c6f6164" + "a20182" + "a55365714e6f" + "ceffffffff", false);
        assertThat(((Ack) decode("0282a75061796c6f6164a0a55365714e6f09", false)).payload()).isEmpty();
    }

    @Test
    void nack() throws DropException {
        bothWays(new Nack(200), "0b" + "81" + "a55365714e6f" + "ccc8", false);
    }

    @Test
    void suspectAndDead() throws DropException {
        // From | Incarnation | Node
        bothWays(new Suspect(3, "b", "a"), "03" + "83" + "a446726f6d" + "a161" + "ab496e6361726e6174696f6e" + "03" + "a44e6f6465" + "a162", false);
        bothWays(new Dead(4, "b", "b"), "05" + "83" + "a446726f6d" + "a162" + "ab496e6361726e6174696f6e" + "04" + "a44e6f6465" + "a162", false);
    }

    @Test
    void aliveWithSerfVersionsAndEmptyTags() throws DropException {
        // Addr 10.0.0.1 | Incarnation 7 | Meta ff80 | Node "n1" | Port 7946 | Vsn [1,5,2,2,5,5]
        bothWays(new Alive(7, "n1", ip(10, 0, 0, 1), 7946, TAGS_EMPTY, VSN),
                "04" + "86" + "a441646472" + "a40a000001" + "ab496e6361726e6174696f6e" + "07"
                        + "a44d657461" + "a2ff80" + "a44e6f6465" + "a26e31" + "a4506f7274" + "cd1f0a"
                        + "a356736e" + "a6010502020505", false);
    }

    @Test
    void aliveWithIpv6AddressAndNilMeta() throws DropException {
        byte[] v6 = new byte[16];
        v6[15] = 1;
        Alive a = new Alive(1, "n1", v6, 1, null, VSN);
        Alive back = (Alive) WireCodec.decode(WireCodec.encode(a), false);
        assertThat(back).usingRecursiveComparison().isEqualTo(a);
        assertThat(HEX.formatHex(WireCodec.encode(a))).contains("a44d657461c0");
    }

    @Test
    void userMessageOverUdpIsOpaque() throws DropException {
        bothWays(new UserPacket(new byte[] {1, 2, 3}), "08010203", false);
        assertThat(((UserPacket) decode("08", false)).payload()).isEmpty();
    }

    @Test
    void userMessageOverTcpHasAHeader() throws DropException {
        bothWays(new UserStream(new byte[] {1, 2, 3}), "08" + "81" + "aa557365724d73674c656e" + "03" + "010203", true);
        assertDrop("0881aa557365724d73674c656e05010203", true, "malformed", "user message claims 5 bytes, 3 remain");
    }

    @Test
    void pushPullWithTwoNodesAndUserState() throws DropException {
        PushPull pp = new PushPull(true, List.of(
                new PushNodeState("a", ip(10, 0, 0, 1), 7946, TAGS_EMPTY, 1, 0, VSN),
                new PushNodeState("b", ip(10, 0, 0, 2), 7947, null, 300, 3, VSN)),
                new byte[] {2, (byte) 0xaa, (byte) 0xbb});
        String header = "06" + "83" + "a44a6f696e" + "c3" + "a54e6f646573" + "02" + "ac5573657253746174654c656e" + "03";
        String nodeA = "87" + "a441646472" + "a40a000001" + "ab496e6361726e6174696f6e" + "01" + "a44d657461" + "a2ff80"
                + "a44e616d65" + "a161" + "a4506f7274" + "cd1f0a" + "a5537461746500" + "a356736e" + "a6010502020505";
        String nodeB = "87" + "a441646472" + "a40a000002" + "ab496e6361726e6174696f6e" + "cd012c" + "a44d657461" + "c0"
                + "a44e616d65" + "a162" + "a4506f7274" + "cd1f0b" + "a5537461746503" + "a356736e" + "a6010502020505";
        bothWays(pp, header + nodeA + nodeB + "02aabb", true);
    }

    @Test
    void pushPullWithoutUserStateSendsZeroAndReadsEmpty() throws DropException {
        PushPull pp = new PushPull(false, List.of(), new byte[0]);
        bothWays(pp, "06" + "83" + "a44a6f696e" + "c2" + "a54e6f646573" + "00" + "ac5573657253746174654c656e" + "00", true);
        assertThat(WireCodec.encode(new PushPull(false, List.of(), null))).isEqualTo(WireCodec.encode(pp));
    }

    @Test
    void errorResponse() throws DropException {
        bothWays(new ErrorResponse("boom"), "0d" + "81" + "a54572726f72" + "a4626f6f6d", true);
    }

    @Test
    void aFortyByteNameUsesStr16NotStr8() throws DropException {
        String name = "n".repeat(40);
        byte[] b = WireCodec.encode(new Suspect(1, name, "a"));
        assertThat(HEX.formatHex(b)).contains("a44e6f6465" + "da0028" + "6e".repeat(40)).doesNotContain("d928");
        assertThat(((Suspect) WireCodec.decode(b, false)).node()).isEqualTo(name);
    }

    @Test
    void aByteFieldSentAsBin8StillDecodes() throws DropException {
        // Meta as bin8 (c4 02 ff80) and Vsn as str8 (d9 06 ...), as a non-Go msgpack library writes them.
        Alive a = (Alive) decode("04" + "86" + "a441646472" + "a40a000001" + "ab496e6361726e6174696f6e" + "07"
                + "a44d657461" + "c402ff80" + "a44e6f6465" + "a26e31" + "a4506f7274" + "cd1f0a"
                + "a356736e" + "d906010502020505", false);
        assertThat(a.meta()).isEqualTo(TAGS_EMPTY);
        assertThat(a.vsn()).isEqualTo(VSN);
    }

    @Test
    void unknownKeysAreSkippedAndKeyOrderDoesNotMatter() throws DropException {
        // map(4): SeqNo 7, "Extra" {"x": [1, "y"]}, Node "n1", "Zzz" nil
        Ping p = (Ping) decode("00" + "84" + "a55365714e6f" + "07" + "a54578747261" + "81a178" + "9201a179"
                + "a44e6f6465" + "a26e31" + "a35a7a7a" + "c0", false);
        assertThat(p).usingRecursiveComparison().isEqualTo(new Ping(7, "n1", null, 0, null));
    }

    @Test
    void missingKeysReadAsZero() throws DropException {
        assertThat(decode("0080", false)).usingRecursiveComparison().isEqualTo(new Ping(0, "", null, 0, null));
        assertThat(decode("0481a44e6f6465a26e31", false)).usingRecursiveComparison()
                .isEqualTo(new Alive(0, "n1", null, 0, null, null));
    }

    @Test
    void integersInOtherFormsDecode() throws DropException {
        // SeqNo as int32 (d2) and as uint64 (cf): other msgpack writers pick these.
        assertThat(((Nack) decode("0b81a55365714e6fd200000005", false)).seqNo()).isEqualTo(5);
        assertThat(((Nack) decode("0b81a55365714e6fcf00000000ffffffff", false)).seqNo()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void outOfRangeNumbersAreMalformed() {
        assertDrop("0b81a55365714e6fd0ff", false, "malformed", "SeqNo = -1 is out of range");
        assertDrop("0b81a55365714e6fcf0000000100000000", false, "malformed", "SeqNo = 4294967296");
        assertDrop("0481a4506f7274ce00010000", false, "malformed", "Port = 65536");
    }

    @Test
    void namesMetaAndAddressesAreBounded() throws DropException {
        String n128 = "n".repeat(128);
        assertThat(((Dead) WireCodec.decode(WireCodec.encode(new Dead(1, n128, n128)), false)).node()).isEqualTo(n128);
        byte[] tooLong = WireCodec.encode(new Dead(1, "n".repeat(129), "a"));
        assertThatThrownBy(() -> WireCodec.decode(tooLong, false)).isInstanceOf(DropException.class)
                .hasMessageContaining("Node is 129 bytes, the limit is 128");
        byte[] bigMeta = WireCodec.encode(new Alive(1, "a", ip(1, 2, 3, 4), 1, new byte[513], VSN));
        assertThatThrownBy(() -> WireCodec.decode(bigMeta, false)).hasMessageContaining("Meta is 513 bytes");
        byte[] badAddr = WireCodec.encode(new Alive(1, "a", ip(1, 2, 3, 4, 5), 1, TAGS_EMPTY, VSN));
        assertThatThrownBy(() -> WireCodec.decode(badAddr, false)).hasMessageContaining("Addr is 5 bytes");
        // Vsn is kept exactly as sent: the protocol, not the codec, insists on six bytes.
        byte[] shortVsn = WireCodec.encode(new Alive(1, "a", ip(1, 2, 3, 4), 1, TAGS_EMPTY, new byte[] {1, 5}));
        assertThat(((Alive) WireCodec.decode(shortVsn, false)).vsn()).containsExactly(1, 5);
    }

    @Test
    void pushPullIsBounded() {
        // Nodes 100001 (ce 000186a1)
        assertDrop("0681a54e6f646573ce000186a1", true, "oversized", "100001 nodes");
        // UserStateLen 20 MiB + 1 (ce 01400001)
        assertDrop("0681ac5573657253746174654c656ece01400001", true, "oversized", "user state is 20971521 bytes");
        assertDrop("0681a54e6f646573ce000186a0", true, "malformed", "claims 100000 nodes in 0 bytes");
        assertDrop("0681ac5573657253746174654c656e05aabb", true, "malformed", "user state claims 5 bytes, 2 remain");
        assertDrop("0681a54e6f6465730181", true, "malformed", "push node state claims 1 entries in 0 bytes");
    }

    @Test
    void tcpOnlyMessagesAreRefusedInPackets() {
        assertDrop("0680", false, "malformed", "push/pull is TCP only");
        assertDrop("0d80", false, "malformed", "error response is TCP only");
    }

    @Test
    void wrappersAndUnknownTypesAreNotMessages() {
        for (String type : new String[] {"07", "09", "0a", "0c"}) {
            assertDrop(type + "80", false, "malformed", "is a wrapper");
            assertDrop(type + "80", true, "malformed", "is a wrapper");
        }
        assertDrop("0e80", false, "unknown-type", "message type 14");
        assertDrop("f4", false, "unknown-type", "message type 244");
        assertThatThrownBy(() -> WireCodec.decode(new byte[0], false)).hasMessageContaining("empty message");
    }

    @Test
    void bytesAfterTheMessageAreIgnoredAsGoIgnoresThem() throws DropException {
        assertThat(((Nack) decode("0b81a55365714e6f05ffff", false)).seqNo()).isEqualTo(5);
    }

    @Test
    void encodeRejectsValuesThatDoNotFitTheirWireType() {
        assertThatThrownBy(() -> WireCodec.encode(new Nack(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WireCodec.encode(new Nack(1L << 32))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WireCodec.encode(new Alive(1, "a", null, 70000, null, VSN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Port");
    }
}
