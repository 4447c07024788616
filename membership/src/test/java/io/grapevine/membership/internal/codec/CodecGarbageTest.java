package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grapevine.membership.Keyring;
import io.grapevine.membership.internal.codec.Message.Ack;
import io.grapevine.membership.internal.codec.Message.Alive;
import io.grapevine.membership.internal.codec.Message.IndirectPing;
import io.grapevine.membership.internal.codec.Message.Ping;
import io.grapevine.membership.internal.codec.Message.PushNodeState;
import io.grapevine.membership.internal.codec.Message.PushPull;
import io.grapevine.membership.internal.codec.Message.UserStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever arrives, the codec answers with messages or a {@link DropException} carrying a known
 * reason - never another exception - and never allocates far beyond its stated bounds.
 */
class CodecGarbageTest {
    private static final Set<String> REASONS =
            Set.of("malformed", "crc", "decrypt", "plaintext", "compression", "oversized", "unknown-type", "truncated");
    private static final Keyring KEYS = Keyring.of(new byte[32]);
    private static final byte[] VSN = {1, 5, 2, 2, 5, 5};
    /**
     * Per call, after warm-up. Measured with these seeds: about 0.36 MiB at most; a legitimate
     * worst case (two nested 1 MiB inflations) stays under this too.
     */
    private static final long PACKET_ALLOCATION_BOUND = 6L << 20;
    private static final long STREAM_ALLOCATION_BOUND = 6L << 20;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long maxPacketAllocation;
    private long maxStreamAllocation;

    private final PacketLayers plainPackets = new PacketLayers(null, true);
    private final PacketLayers sealedPackets = new PacketLayers(KEYS, true);
    private final StreamLayers plainStreams = new StreamLayers(null, true);
    private final StreamLayers sealedStreams = new StreamLayers(KEYS, true);

    /** Loads classes and crypto providers first, so that one-time set-up is not measured. */
    @BeforeEach
    void warmUp() {
        for (byte[] b : validInputs()) {
            feed(b);
        }
        maxPacketAllocation = 0;
        maxStreamAllocation = 0;
    }

    private long allocated() {
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private void feed(byte[] input) {
        for (PacketLayers layers : List.of(plainPackets, sealedPackets)) {
            long before = allocated();
            try {
                PacketLayers.Unwrapped u = layers.unwrap(input);
                u.drops().forEach(d -> assertThat(REASONS).contains(d.reason()));
            } catch (DropException e) {
                assertThat(REASONS).contains(e.reason());
            } catch (RuntimeException | Error e) {
                fail("packet " + Arrays.toString(input) + " escaped as " + e, e);
            }
            maxPacketAllocation = Math.max(maxPacketAllocation, allocated() - before);
        }
        for (StreamLayers layers : List.of(plainStreams, sealedStreams)) {
            long before = allocated();
            try {
                layers.unwrap(input);
            } catch (DropException e) {
                assertThat(REASONS).contains(e.reason());
            } catch (RuntimeException | Error e) {
                fail("stream " + Arrays.toString(input) + " escaped as " + e, e);
            }
            maxStreamAllocation = Math.max(maxStreamAllocation, allocated() - before);
        }
    }

    private static List<byte[]> validInputs() {
        Ping ping = new Ping(7, "n1", new byte[] {127, 0, 0, 1}, 7946, "me");
        Alive alive = new Alive(3, "n2", new byte[] {10, 0, 0, 2}, 7946, new byte[] {(byte) 0xff, (byte) 0x80}, VSN);
        IndirectPing ind = new IndirectPing(9, new byte[16], 80, "n3", true, null, 0, null);
        Ack ack = new Ack(7, new byte[] {1, (byte) 0x82, 0, 1});
        byte[] compound = Compound.encode(List.of(WireCodec.encode(ping), WireCodec.encode(alive),
                WireCodec.encode(ind), WireCodec.encode(ack)));
        PushPull pp = new PushPull(true, List.of(
                new PushNodeState("a", new byte[] {10, 0, 0, 1}, 7946, new byte[] {(byte) 0xff, (byte) 0x80}, 1, 0, VSN),
                new PushNodeState("b", new byte[] {10, 0, 0, 2}, 7947, null, 2, 3, VSN)), new byte[] {2, 9, 9});
        List<byte[]> valid = new ArrayList<>();
        PacketLayers plain = new PacketLayers(null, true);
        PacketLayers sealed = new PacketLayers(KEYS, true);
        for (byte[] p : List.of(WireCodec.encode(ping), WireCodec.encode(alive), compound)) {
            valid.add(p);
            valid.add(plain.wrap(p, true));
            valid.add(Compression.wrap(p));
            valid.add(sealed.wrap(p, true));
        }
        for (Message m : List.of(pp, new UserStream(new byte[] {1, 2, 3}), ping)) {
            valid.add(WireCodec.encode(m));
            valid.add(new StreamLayers(null, true).wrap(WireCodec.encode(m)));
            valid.add(new StreamLayers(KEYS, true).wrap(WireCodec.encode(m)));
        }
        return valid;
    }

    @Test
    void randomBytesOnlyEverDrop() {
        Random rnd = new Random(20240601);
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[rnd.nextInt(i % 10 == 0 ? 2000 : 64)];
            rnd.nextBytes(b);
            if (b.length > 0 && rnd.nextBoolean()) {
                b[0] = (byte) rnd.nextInt(14); // a plausible type byte, so parsing goes deeper
            }
            feed(b);
        }
        assertThat(maxPacketAllocation).isLessThan(PACKET_ALLOCATION_BOUND);
        assertThat(maxStreamAllocation).isLessThan(STREAM_ALLOCATION_BOUND);
    }

    @Test
    void mutatedValidInputsOnlyEverDrop() {
        Random rnd = new Random(99);
        List<byte[]> valid = validInputs();
        for (int i = 0; i < 10_000; i++) {
            byte[] b = valid.get(rnd.nextInt(valid.size())).clone();
            switch (rnd.nextInt(4)) {
                case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                case 1 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                default -> {
                    for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
                        b[rnd.nextInt(b.length)] = (byte) (0xc0 + rnd.nextInt(64)); // msgpack headers
                    }
                }
            }
            feed(b);
        }
        assertThat(maxPacketAllocation).isLessThan(PACKET_ALLOCATION_BOUND);
        assertThat(maxStreamAllocation).isLessThan(STREAM_ALLOCATION_BOUND);
    }

    /** Headers that claim far more than they carry cost (next to) nothing. */
    @Test
    void lyingHeadersAllocateAlmostNothing() {
        List<byte[]> liars = new ArrayList<>();
        byte[] compound = new byte[100];
        compound[0] = 7;
        compound[1] = (byte) 255;
        Arrays.fill(compound, 2, 100, (byte) 0xff);
        liars.add(compound);
        liars.add(new byte[] {6, (byte) 0x83, (byte) 0xa4, 'J', 'o', 'i', 'n', (byte) 0xc3, (byte) 0xa5, 'N', 'o', 'd', 'e', 's',
                (byte) 0xce, 0, 1, (byte) 0x86, (byte) 0xa0, (byte) 0xac, 'U', 's', 'e', 'r', 'S', 't', 'a', 't', 'e', 'L', 'e', 'n',
                (byte) 0xce, 1, 0, 0, 0}); // 100,000 nodes and 16 MiB of user state, in 37 bytes
        liars.add(new byte[] {8, (byte) 0x81, (byte) 0xaa, 'U', 's', 'e', 'r', 'M', 's', 'g', 'L', 'e', 'n', (byte) 0xce, 1, 0, 0, 0});
        liars.add(new byte[] {4, (byte) 0xdf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        liars.add(new byte[] {4, (byte) 0x81, (byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});
        liars.add(new byte[] {9, (byte) 0x82, (byte) 0xa4, 'A', 'l', 'g', 'o', 0, (byte) 0xa3, 'B', 'u', 'f', (byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        liars.add(new byte[] {10, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1});
        for (byte[] b : liars) {
            maxPacketAllocation = 0;
            maxStreamAllocation = 0;
            feed(b);
            assertThat(maxPacketAllocation).as(Arrays.toString(b)).isLessThan(64 * 1024);
            assertThat(maxStreamAllocation).as(Arrays.toString(b)).isLessThan(64 * 1024);
        }
    }
}
