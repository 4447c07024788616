package io.grapevine.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.ring.TokenRange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/** Garbage input, peers that die mid-session and concurrent writes. */
class RepairFailureTest {
    private final List<RepairService> services = new ArrayList<>();
    private DisposableServer proxy;

    @AfterEach
    void stop() {
        services.forEach(s -> s.close().block());
        if (proxy != null) {
            proxy.disposeNow();
        }
    }

    private RepairService start(InMemoryRepairStore store) {
        RepairService s = RepairService.start(store, Fixtures.config().build()).block();
        services.add(s);
        return s;
    }

    /** Sends raw bytes to the service and returns what it answered before closing. */
    private static byte[] sendRaw(InetSocketAddress to, byte[] bytes) {
        Connection c = TcpClient.newConnection().remoteAddress(() -> to).connect().block(Duration.ofSeconds(5));
        c.outbound().send(Mono.just(Unpooled.wrappedBuffer(bytes))).then().subscribe();
        byte[] answer = c.inbound().receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .block(Duration.ofSeconds(10));
        c.dispose();
        return answer;
    }

    private static byte[] frame(int type, byte[] payload) {
        ByteBuf b = Unpooled.buffer().writeInt(payload.length + 1).writeByte(type).writeBytes(payload);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void garbageFramesAreRejectedAndLeaveTheNodeAndItsDataUntouched() {
        InMemoryRepairStore store = new InMemoryRepairStore();
        Fixtures.fill(store, 500, 1, new Random(1));
        List<Entry> before = store.entries();
        RepairService b = start(store);
        Random r = new Random(9);

        byte[] badMagic = new byte[32];
        r.nextBytes(badMagic);
        byte[] answer = sendRaw(b.address(), frame(1, badMagic));
        assertThat(answer.length).isGreaterThan(5);
        assertThat(answer[4]).as("an ERROR frame").isEqualTo((byte) 13);
        assertThat(new String(answer, 6, answer.length - 6)).contains("magic");

        byte[] oversized = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1).array();
        sendRaw(b.address(), java.util.Arrays.copyOf(oversized, 5));
        for (int i = 0; i < 40; i++) {
            byte[] typed = new byte[r.nextInt(64)];
            r.nextBytes(typed);
            byte[] answered = sendRaw(b.address(), frame(r.nextInt(16), typed));
            assertThat(answered.length == 0 || answered[4] == 13).as("closed, or an ERROR frame").isTrue();
        }
        // A truncated frame from a peer that then goes away.
        Connection c = TcpClient.newConnection().remoteAddress(b::address).connect().block(Duration.ofSeconds(5));
        c.outbound().send(Mono.just(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 0, 1, 2, 3}))).then().block();
        c.disposeNow();
        // Entries frame out of order: rejected, nothing applied.
        byte[] entries = frame(9, new byte[] {1, 3, 'k', 'e', 'y', 16, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 'x'});
        sendRaw(b.address(), entries);

        assertThat(store.entries()).isEqualTo(before);
        InMemoryRepairStore other = new InMemoryRepairStore();
        RepairService a = start(other);
        assertThat(a.repair(TokenRange.FULL, b.address()).block().ok()).isTrue();
        assertThat(other.entries()).isEqualTo(before);
    }

    /** Forwards to {@code target}, and kills the connection after {@code limit} bytes came back. */
    private InetSocketAddress cuttingProxy(InetSocketAddress target, long limit) {
        proxy = TcpServer.create().host("127.0.0.1").port(0).handle((in, out) -> {
            AtomicLong seen = new AtomicLong();
            return TcpClient.newConnection().remoteAddress(() -> target).connect().flatMap(up -> {
                up.outbound().send(in.receive().retain()).then().subscribe(v -> { }, e -> up.dispose());
                return out.send(up.inbound().receive().retain().takeWhile(buf -> seen.addAndGet(buf.readableBytes()) < limit))
                        .then()
                        .doFinally(s -> up.dispose());
            });
        }).bindNow();
        return (InetSocketAddress) proxy.address();
    }

    @Test
    void aPeerKilledMidRepairLeavesBothSidesConsistentAndALaterRepairCompletes() {
        InMemoryRepairStore full = new InMemoryRepairStore();
        Random r = new Random(2);
        for (int i = 0; i < 4000; i++) {
            full.put(Fixtures.key(i), Fixtures.value(r, 1024), Fixtures.v(10 + r.nextInt(5)));
        }
        InMemoryRepairStore stale = new InMemoryRepairStore();
        for (int i = 0; i < 4000; i += 3) {
            stale.put(Fixtures.key(i), Fixtures.value(r, 16), Fixtures.v(1));
        }
        RepairService a = start(stale);
        RepairService b = start(full);

        assertThatThrownBy(() -> a.repair(TokenRange.FULL, cuttingProxy(b.address(), 600_000)).block())
                .isInstanceOf(RepairException.class);

        // Whatever arrived was merged under the rule: every stale entry is its own or the newer one from full.
        for (Entry e : stale.entries()) {
            Entry f = full.get(e.key());
            assertThat(f).isNotNull();
            assertThat(e.equals(f) || LwwVersion.decode(e.version()).timestamp() == 1).isTrue();
        }
        assertThat(stale.size()).isLessThanOrEqualTo(full.size());
        assertThat(a.repair(TokenRange.FULL, b.address()).block().ok()).isTrue();
        assertThat(stale.entries()).isEqualTo(full.entries());
    }

    @Test
    void writesDuringARepairAreNotLost() throws Exception {
        InMemoryRepairStore sa = new InMemoryRepairStore();
        InMemoryRepairStore sb = new InMemoryRepairStore();
        Random r = new Random(3);
        Fixtures.fill(sa, 20_000, 1, new Random(3));
        Fixtures.fill(sb, 10_000, 1, new Random(3));
        RepairService a = start(sa);
        RepairService b = start(sb);
        List<Entry> written = new ArrayList<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 3000; i++) {
                Entry e = new Entry(Fixtures.key(r.nextInt(25_000)), Fixtures.value(r, 20), Fixtures.v(100 + i).encode());
                (i % 2 == 0 ? sa : sb).put(e.key(), e.value(), e.version());
                written.add(e);
            }
        });
        writer.start();
        RepairReport report = a.repair(TokenRange.FULL, b.address()).block();
        writer.join();

        assertThat(report.ok()).isTrue();
        for (Entry e : written) {
            Entry held = (written.indexOf(e) % 2 == 0 ? sa : sb).get(e.key());
            assertThat(java.util.Arrays.compareUnsigned(held.version(), e.version())).isGreaterThanOrEqualTo(0);
        }
        a.repair(TokenRange.FULL, b.address()).block();
        assertThat(sa.entries()).isEqualTo(sb.entries());
        assertThat(a.index().rangeHash(TokenRange.FULL).block()).isEqualTo(b.index().rangeHash(TokenRange.FULL).block());
    }
}
