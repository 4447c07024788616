package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.Keyring;
import io.grapevine.membership.internal.codec.Message.Alive;
import io.grapevine.membership.internal.codec.Message.Nack;
import io.grapevine.membership.internal.codec.Message.Ping;
import io.grapevine.membership.internal.codec.Message.PushNodeState;
import io.grapevine.membership.internal.codec.Message.PushPull;
import io.grapevine.membership.internal.codec.Message.Suspect;
import io.grapevine.membership.internal.codec.Message.UserStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayersTest {
    private static final Keyring KEYS = Keyring.of(new byte[16]);
    private static final byte[] VSN = {1, 5, 2, 2, 5, 5};
    private static final Ping PING = new Ping(1, "n1", null, 0, null);
    private static final Nack NACK = new Nack(2);

    private static byte[] enc(Message m) {
        return WireCodec.encode(m);
    }

    private static String reason(Throwable e) {
        return ((DropException) e).reason();
    }

    private static List<Message> bigGossip() {
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            msgs.add(new Alive(i, "node-" + i, new byte[] {10, 0, 0, (byte) i}, 7946, new byte[] {(byte) 0xff, (byte) 0x80}, VSN));
        }
        return msgs;
    }

    private static byte[] compound(List<Message> msgs) {
        return Compound.encode(msgs.stream().map(WireCodec::encode).toList());
    }

    @Test
    void plainPacketPassesThrough() throws DropException {
        PacketLayers layers = new PacketLayers(null, false);
        assertThat(layers.wrap(enc(PING), false)).isEqualTo(enc(PING));
        PacketLayers.Unwrapped u = layers.unwrap(enc(PING));
        assertThat(u.messages()).usingRecursiveFieldByFieldElementComparator().containsExactly(PING);
        assertThat(u.drops()).isEmpty();
    }

    @Test
    void everyLayerRoundTrips() throws DropException {
        List<Message> msgs = bigGossip();
        byte[] packet = compound(msgs);
        for (Keyring keys : Arrays.asList(null, KEYS)) {
            for (boolean crc : new boolean[] {false, true}) {
                PacketLayers layers = new PacketLayers(keys, true);
                byte[] wire = layers.wrap(packet, crc);
                if (keys == null) {
                    assertThat(wire[0]).isEqualTo((byte) (crc ? MessageType.HAS_CRC : MessageType.COMPRESS));
                }
                assertThat(layers.unwrap(wire).messages()).usingRecursiveFieldByFieldElementComparator()
                        .containsExactlyElementsOf(msgs);
            }
        }
    }

    @Test
    void compressionIsSkippedWhenItDoesNotShrink() {
        PacketLayers layers = new PacketLayers(null, true);
        assertThat(layers.wrap(enc(NACK), false)).isEqualTo(enc(NACK));
    }

    @Test
    void badChecksumDropsThePacket() {
        PacketLayers layers = new PacketLayers(null, false);
        byte[] wire = layers.wrap(enc(PING), true);
        wire[wire.length - 1] ^= 1;
        assertThatThrownBy(() -> layers.unwrap(wire)).extracting(LayersTest::reason).isEqualTo("crc");
    }

    @Test
    void withAKeyringPlaintextIsRejected() {
        PacketLayers layers = new PacketLayers(KEYS, false);
        assertThatThrownBy(() -> layers.unwrap(enc(new Suspect(1, "a", "b")))).extracting(LayersTest::reason).isEqualTo("plaintext");
        // A plaintext ping's type byte 0 is also an encryption version: it fails as a decrypt.
        assertThatThrownBy(() -> layers.unwrap(enc(PING))).extracting(LayersTest::reason).isEqualTo("decrypt");
        byte[] wrongKey = new PacketLayers(Keyring.of(new byte[32]), false).wrap(enc(PING), false);
        assertThatThrownBy(() -> layers.unwrap(wrongKey)).extracting(LayersTest::reason).isEqualTo("decrypt");
    }

    @Test
    void aBadCompoundPartIsCountedAndTheOthersKept() throws DropException {
        byte[] unknown = {99, 1, 2};
        byte[] crcInside = Crc.wrap(enc(PING));
        byte[] packet = Compound.encode(List.of(enc(PING), unknown, crcInside, new byte[0], enc(NACK)));
        PacketLayers.Unwrapped u = new PacketLayers(null, false).unwrap(packet);
        assertThat(u.messages()).usingRecursiveFieldByFieldElementComparator().containsExactly(PING, NACK);
        assertThat(u.drops()).extracting(DropException::reason).containsExactly("unknown-type", "malformed", "malformed");
        assertThat(u.drops().get(1)).hasMessageContaining("CRC layer inside");
    }

    @Test
    void truncatedCompoundPartsAreCountedAsDrops() throws DropException {
        byte[] packet = Compound.encode(List.of(enc(PING), enc(NACK), enc(NACK)));
        byte[] cut = Arrays.copyOf(packet, packet.length - 3);
        PacketLayers.Unwrapped u = new PacketLayers(null, false).unwrap(cut);
        assertThat(u.messages()).usingRecursiveFieldByFieldElementComparator().containsExactly(PING, NACK);
        assertThat(u.drops()).hasSize(1).first().extracting(DropException::reason).isEqualTo("truncated");
        assertThat(u.drops().get(0)).hasMessageContaining("part 3 of 3 lost to truncation");
    }

    @Test
    void nestingIsBoundedToTwoLayers() throws DropException {
        PacketLayers layers = new PacketLayers(null, false);
        // compressed compound of plain messages: what memberlist sends
        byte[] a = Compression.wrap(compound(List.of(PING, NACK)));
        assertThat(layers.unwrap(a).messages()).hasSize(2);
        // compound with a compressed part
        byte[] b = Compound.encode(List.of(Compression.wrap(enc(PING)), enc(NACK)));
        assertThat(layers.unwrap(b).messages()).hasSize(2);
        // three layers: compressed -> compound -> compressed part: that part is dropped
        byte[] c = Compression.wrap(Compound.encode(List.of(Compression.wrap(enc(PING)), enc(NACK))));
        PacketLayers.Unwrapped u = layers.unwrap(c);
        assertThat(u.messages()).usingRecursiveFieldByFieldElementComparator().containsExactly(NACK);
        assertThat(u.drops()).singleElement().satisfies(d -> assertThat(d).hasMessageContaining("nested deeper"));
        // compressed inside compressed inside compressed: the whole packet goes
        byte[] d = Compression.wrap(Compression.wrap(Compression.wrap(enc(PING))));
        assertThatThrownBy(() -> layers.unwrap(d)).hasMessageContaining("nested deeper");
    }

    @Test
    void packetInflationIsBounded() {
        // 1 MiB of zeros in a compressed user packet: about 2 KiB on the wire, may inflate to 64 KiB
        byte[] bomb = new byte[1 << 20];
        bomb[0] = 8;
        byte[] wire = Compression.wrap(bomb);
        assertThat(wire.length).isLessThan(4096);
        assertThatThrownBy(() -> new PacketLayers(null, false).unwrap(wire)).extracting(LayersTest::reason).isEqualTo("compression");
    }

    @Test
    void streamRoundTripsThroughEveryLayer() throws DropException {
        PushPull pp = new PushPull(true, List.of(new PushNodeState("a", new byte[] {10, 0, 0, 1}, 7946, new byte[] {(byte) 0xff, (byte) 0x80}, 1, 0, VSN)),
                new byte[] {2, 3});
        for (Keyring keys : Arrays.asList(null, KEYS)) {
            for (boolean compress : new boolean[] {false, true}) {
                StreamLayers layers = new StreamLayers(keys, compress);
                byte[] wire = layers.wrap(enc(pp));
                int first = wire[0];
                assertThat(first).isEqualTo(keys != null ? MessageType.ENCRYPT : compress ? MessageType.COMPRESS : MessageType.PUSH_PULL);
                assertThat(layers.unwrap(wire)).usingRecursiveComparison().isEqualTo(pp);
            }
        }
        UserStream us = new UserStream(new byte[] {1, 2});
        assertThat(new StreamLayers(KEYS, true).unwrap(new StreamLayers(KEYS, true).wrap(enc(us)))).usingRecursiveComparison().isEqualTo(us);
    }

    @Test
    void streamPlaintextAndKeyMismatches() {
        byte[] plain = enc(PING);
        assertThatThrownBy(() -> new StreamLayers(KEYS, false).unwrap(plain)).extracting(LayersTest::reason).isEqualTo("plaintext");
        byte[] sealed = new StreamLayers(KEYS, false).wrap(plain);
        assertThatThrownBy(() -> new StreamLayers(null, false).unwrap(sealed)).extracting(LayersTest::reason).isEqualTo("decrypt");
        assertThatThrownBy(() -> new StreamLayers(Keyring.of(new byte[24]), false).unwrap(sealed))
                .extracting(LayersTest::reason).isEqualTo("decrypt");
        assertThatThrownBy(() -> new StreamLayers(null, false).unwrap(new byte[0])).extracting(LayersTest::reason).isEqualTo("malformed");
    }
}
