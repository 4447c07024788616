package io.grapevine.membership;

import static io.grapevine.membership.LoopbackCluster.WAIT;
import static io.grapevine.membership.LoopbackCluster.allAlive;
import static io.grapevine.membership.LoopbackCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.internal.codec.Compound;
import io.grapevine.membership.internal.codec.Crc;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.PacketLayers;
import io.grapevine.membership.internal.codec.WireCodec;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A node flooded with garbage counts every kind of drop and keeps working. */
class GarbageFloodTest {
    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = new byte[16];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
        OTHER_KEY[0] = 1;
    }

    @Test
    void garbageIsCountedByReasonAndTheNodeStillConverges() throws Exception {
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership target = c.start("target");
            InetSocketAddress to = target.local().address();
            Random random = new Random(42);
            byte[] ping = WireCodec.encode(new Message.Ping(1, "target", null, 0, null));
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                for (int i = 0; i < 500; i++) {
                    byte[] junk = new byte[1 + random.nextInt(1400)];
                    random.nextBytes(junk);
                    junk[0] = (byte) (14 + random.nextInt(200)); // never a valid type byte
                    send(udp, to, junk);
                    if (i % 50 == 49) {
                        awaitDrops(target, "unknown-type", i + 1);
                    }
                }
                byte[] badCrc = Crc.wrap(ping);
                badCrc[2] ^= 0x55;
                byte[] compound = Compound.encode(List.of(ping, ping, ping));
                byte[] truncated = java.util.Arrays.copyOf(compound, compound.length - 4);
                byte[] oversized = new byte[60_000];
                random.nextBytes(oversized);
                oversized[0] = 4; // an "alive" whose body is noise
                // Paced per kind, so that the kernel's socket buffer does not drop them first.
                floodUntilCounted(udp, to, target, badCrc, "crc");
                floodUntilCounted(udp, to, target, truncated, "truncated");
                floodUntilCounted(udp, to, target, oversized, "malformed");
            }
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket("127.0.0.1", to.getPort())) {
                    OutputStream out = s.getOutputStream();
                    byte[] junk = new byte[2000];
                    random.nextBytes(junk);
                    junk[0] = (byte) 99;
                    out.write(junk);
                    out.flush();
                    s.getInputStream().read();
                } catch (java.io.IOException expected) {
                    // the node may reset the connection: that is fine
                }
            }

            // Still a working member: others join through it and everyone converges.
            c.start("a");
            c.start("b");
            c.nodes.forEach(m -> await(m, allAlive(3)));

            Map<String, Long> drops = target.stats().dropsByReason();
            assertThat(drops.get("unknown-type")).isGreaterThanOrEqualTo(500);
            assertThat(drops.get("crc")).isGreaterThanOrEqualTo(20);
            assertThat(drops.get("truncated")).isGreaterThanOrEqualTo(20);
            // 20 oversized noise packets plus 20 garbage TCP streams
            assertThat(drops.get("malformed")).isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void wronglyKeyedAndPlaintextInputIsDroppedAndTheKeyedClusterIsUnaffected() throws Exception {
        try (LoopbackCluster c = new LoopbackCluster()) {
            Membership a = c.start("a", b -> b.keyring(Keyring.of(KEY)));
            c.start("b", b -> b.keyring(Keyring.of(KEY)));
            InetSocketAddress to = a.local().address();
            byte[] alive = WireCodec.encode(new Message.Alive(1, "intruder", new byte[] {127, 0, 0, 1}, 9,
                    new byte[] {(byte) 0xff, (byte) 0x80}, new byte[] {1, 5, 2, 2, 5, 5}));
            byte[] wrongKey = new PacketLayers(Keyring.of(OTHER_KEY), false).wrap(alive, false);
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                for (int i = 0; i < 20; i++) {
                    send(udp, to, wrongKey);
                    send(udp, to, alive);
                }
            }
            // A node without the key cannot join.
            Membership outsider = Membership.start(LoopbackCluster.fast("outsider")
                    .seeds(List.of(to)).joinRetry(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5))
                    .build()).block(WAIT);
            c.nodes.add(outsider);
            await(a, allAlive(2));
            await(c.nodes.get(1), allAlive(2));
            assertThat(a.view().member("intruder")).isEmpty();
            assertThat(a.view().member("outsider")).isEmpty();
            assertThat(outsider.view().live()).extracting(Member::name).containsExactly("outsider");
            Map<String, Long> drops = a.stats().dropsByReason();
            assertThat(drops).containsKeys("decrypt", "plaintext");
        }
    }

    /** Waits until the node has counted that many drops of a reason (bounded by WAIT). */
    private static void awaitDrops(Membership target, String reason, long count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (target.stats().dropsByReason().getOrDefault(reason, 0L) < count) {
            assertThat(System.nanoTime()).as(count + " drops of " + reason + " counted in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Sends the packet until its drop reason has been counted 20 times (bounded by WAIT). */
    private static void floodUntilCounted(DatagramSocket udp, InetSocketAddress to, Membership target, byte[] packet,
                                          String reason) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (target.stats().dropsByReason().getOrDefault(reason, 0L) < 20) {
            assertThat(System.nanoTime()).as("drops of " + reason + " counted in time").isLessThan(deadline);
            send(udp, to, packet);
            Thread.sleep(2);
        }
    }

    private static void send(DatagramSocket udp, InetSocketAddress to, byte[] bytes) throws java.io.IOException {
        udp.send(new DatagramPacket(bytes, bytes.length, to));
    }
}
