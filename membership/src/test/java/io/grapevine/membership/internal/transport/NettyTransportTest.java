package io.grapevine.membership.internal.transport;

import static io.grapevine.membership.internal.transport.StreamMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Transport;
import io.grapevine.membership.internal.codec.DropException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The transport on real loopback sockets, ephemeral ports only. */
class NettyTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<Transport> transports = new ArrayList<>();
    private final List<AutoCloseable> sockets = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable socket : sockets) {
            socket.close();
        }
        for (Transport transport : transports) {
            transport.close().block(WAIT);
        }
    }

    private NettyTransport bind(String node, RecordingInbound inbound) {
        return bind(node, inbound, TransportLimits.DEFAULT, ANY_LOOPBACK_PORT);
    }

    private NettyTransport bind(String node, RecordingInbound inbound, TransportLimits limits) {
        return bind(node, inbound, limits, ANY_LOOPBACK_PORT);
    }

    private NettyTransport bind(String node, RecordingInbound inbound, TransportLimits limits, InetSocketAddress at) {
        Transport transport = new NettyTransportFactory(registry, node, limits).bind(at, inbound).block(WAIT);
        transports.add(transport);
        return (NettyTransport) transport;
    }

    private double drops(String node, String reason) {
        return registry.get(TransportMeters.DROPS).tag("node", node).tag("reason", reason).counter().count();
    }

    private double bytes(String node, String direction, String transport) {
        return registry.get(TransportMeters.BYTES).tag("node", node).tag("direction", direction)
                .tag("transport", transport).counter().count();
    }

    /** Polls for an outcome produced on another thread; fails if it never comes. */
    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(5);
        }
    }

    private Socket connect(Transport to) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.connect(to.boundAddress(), (int) WAIT.toMillis());
        return socket;
    }

    /** Reads until the server closes; a reset (unread data at close) counts as closed. */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] all = new byte[0];
        byte[] chunk = new byte[4096];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all = StreamMessages.concat(all, Arrays.copyOf(chunk, n));
            }
        } catch (SocketException reset) {
            // closed by the server with our bytes unread
        }
        return all;
    }

    /** Sends a stream that expects a reply and checks the reply. */
    private static void assertExchange(Transport client, Transport server, byte[] message, byte[] expectedReply) {
        StepVerifier.create(client.sendStream(server.boundAddress(), message, true, WAIT))
                .assertNext(reply -> assertThat(reply).isEqualTo(expectedReply))
                .verifyComplete();
    }

    @Test
    void datagramsUpTo60KiBArriveWholeFromTheSendersPort() throws Exception {
        RecordingInbound aInbound = new RecordingInbound();
        RecordingInbound bInbound = new RecordingInbound();
        NettyTransport a = bind("a", aInbound);
        NettyTransport b = bind("b", bInbound);
        byte[] small = randomBytes(100, 21);
        byte[] large = randomBytes(60 * 1024, 22);

        a.sendPacket(b.boundAddress(), small);
        RecordingInbound.Arrival first = bInbound.nextPacket();
        a.sendPacket(b.boundAddress(), large);
        RecordingInbound.Arrival second = bInbound.nextPacket();
        b.sendPacket(a.boundAddress(), small);
        RecordingInbound.Arrival back = aInbound.nextPacket();

        assertThat(first.bytes()).isEqualTo(small);
        assertThat(second.bytes()).isEqualTo(large);
        assertThat(back.bytes()).isEqualTo(small);
        assertThat(first.from()).isEqualTo(a.boundAddress());
        // both transports run on the one shared set of event loops
        assertThat(List.of(first.thread(), back.thread())).allMatch(t -> t.startsWith("grapevine-membership"));
        assertThat(b.meters().packetsIn()).isEqualTo(2);
        eventually("a counts its two packets out", () -> a.meters().packetsOut() == 2);
        assertThat(bytes("b", "in", "udp")).isEqualTo(small.length + large.length);
        assertThat(bytes("a", "out", "udp")).isEqualTo(small.length + large.length);
    }

    @Test
    void pushPullWrittenByteByByteIsDeliveredWholeAndAnswered() throws Exception {
        byte[] reply = StreamMessages.pushPull(2, new byte[0]);
        RecordingInbound inbound = new RecordingInbound(message -> reply);
        NettyTransport server = bind("server", inbound);
        byte[] message = StreamMessages.pushPull(4, randomBytes(9, 23));

        Socket socket = connect(server);
        OutputStream out = socket.getOutputStream();
        for (byte b : message) {
            out.write(b);
            out.flush();
        }

        RecordingInbound.Arrival arrival = inbound.nextStream();
        assertThat(arrival.bytes()).isEqualTo(message);
        assertThat(arrival.from().getPort()).isEqualTo(socket.getLocalPort());
        assertThat(readUntilClosed(socket)).isEqualTo(reply);
        assertThat(bytes("server", "in", "tcp")).isEqualTo(message.length);
        assertThat(bytes("server", "out", "tcp")).isEqualTo(reply.length);
    }

    @Test
    void sendStreamReadsTheReplyOrNoneAsAsked() throws Exception {
        byte[] ack = StreamMessages.ack(42);
        RecordingInbound inbound = new RecordingInbound(message -> message[0] == 0 ? ack : null);
        NettyTransport server = bind("server", inbound);
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] ping = StreamMessages.ping(42, "server");
        byte[] user = StreamMessages.user(randomBytes(3000, 24));

        assertExchange(client, server, ping, ack);
        assertThat(inbound.nextStream().bytes()).isEqualTo(ping);

        StepVerifier.create(client.sendStream(server.boundAddress(), user, false, WAIT)).verifyComplete();
        assertThat(inbound.nextStream().bytes()).isEqualTo(user);
        assertThat(bytes("client", "out", "tcp")).isEqualTo(ping.length + user.length);
        assertThat(bytes("client", "in", "tcp")).isEqualTo(ack.length);
    }

    @Test
    void largePushPullIsExchangedBothWays() throws Exception {
        byte[] theirs = StreamMessages.pushPull(20_000, randomBytes(100_000, 27));
        RecordingInbound inbound = new RecordingInbound(message -> theirs);
        NettyTransport server = bind("server", inbound);
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] ours = StreamMessages.pushPull(30_000, new byte[0]);

        assertExchange(client, server, ours, theirs);
        assertThat(inbound.nextStream().bytes()).isEqualTo(ours);
    }

    @Test
    void messageReachesASlowHandlerThoughThePeerHungUpRightAfterSending() throws Exception {
        java.util.concurrent.BlockingQueue<byte[]> handled = new java.util.concurrent.LinkedBlockingQueue<>();
        Transport.Inbound slow = new Transport.Inbound() {
            @Override
            public void onPacket(InetSocketAddress from, byte[] packet) {
            }

            @Override
            public Mono<byte[]> onStream(InetSocketAddress from, byte[] message) {
                // as the protocol does: the work happens later, on its own scheduler
                return Mono.fromRunnable(() -> handled.add(message))
                        .delaySubscription(Duration.ofMillis(200))
                        .then(Mono.empty());
            }
        };
        Transport server = new NettyTransportFactory(registry, "server").bind(ANY_LOOPBACK_PORT, slow).block(WAIT);
        transports.add(server);
        byte[] user = StreamMessages.user(randomBytes(64, 28));

        try (Socket socket = connect(server)) {
            socket.getOutputStream().write(user); // then hang up at once, as memberlist does
        }

        assertThat(handled.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(user);
    }

    @Test
    void streamsBeyondTheBufferBudgetAreRefusedAndTheBudgetComesBack() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        NettyTransport server = bind("server", inbound, new TransportLimits(WAIT, 256, 64 * 1024));
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] tooBig = StreamMessages.encrypted(randomBytes(100 * 1024, 29));
        byte[] fits = StreamMessages.encrypted(randomBytes(60 * 1024, 30));

        Socket socket = connect(server);
        socket.getOutputStream().write(tooBig);
        assertThat(readUntilClosed(socket)).isEmpty();
        eventually("overloaded drop counted on server", () -> drops("server", "overloaded") == 1);

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(client.sendStream(server.boundAddress(), fits, false, WAIT)).verifyComplete();
            assertThat(inbound.nextStream().bytes()).isEqualTo(fits);
        }
    }

    @Test
    void encryptedFramedStreamIsDeliveredWhole() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        NettyTransport server = bind("server", inbound);
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] encrypted = StreamMessages.encrypted(randomBytes(200_000, 25));

        StepVerifier.create(client.sendStream(server.boundAddress(), encrypted, false, WAIT)).verifyComplete();

        assertThat(inbound.nextStream().bytes()).isEqualTo(encrypted);
    }

    @Test
    void oversizedClaimIsDroppedAndTheServerKeepsWorking() throws Exception {
        RecordingInbound inbound = new RecordingInbound(message -> StreamMessages.ack(1));
        NettyTransport server = bind("server", inbound);
        NettyTransport client = bind("client", new RecordingInbound());

        Socket encrypted = connect(server);
        encrypted.getOutputStream().write(StreamMessages.encryptedHeader(StreamFraming.MAX_LENGTH + 1L));
        assertThat(readUntilClosed(encrypted)).isEmpty();
        Socket userState = connect(server);
        userState.getOutputStream().write(StreamMessages.message(6, p -> p.packMapHeader(2)
                .packString("Nodes").packInt(0).packString("UserStateLen").packInt(21 * 1024 * 1024)));
        assertThat(readUntilClosed(userState)).isEmpty();

        eventually("oversized drop counted on server", () -> drops("server", "oversized") == 2);
        assertThat(inbound.streamCount()).isZero();
        assertExchange(client, server, StreamMessages.ping(1, ""), StreamMessages.ack(1));
    }

    @Test
    void stalledStreamIsClosedAtTheDeadlineAndCounted() throws Exception {
        RecordingInbound inbound = new RecordingInbound(message -> StreamMessages.ack(2));
        NettyTransport server = bind("server", inbound, new TransportLimits(Duration.ofMillis(300), 256, 1 << 26));
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] ping = StreamMessages.ping(2, "server");

        Socket stalled = connect(server);
        stalled.getOutputStream().write(Arrays.copyOf(ping, ping.length / 2));
        assertThat(readUntilClosed(stalled)).isEmpty();

        eventually("timeout drop counted on server", () -> drops("server", "timeout") == 1);
        assertThat(inbound.streamCount()).isZero();
        assertExchange(client, server, ping, StreamMessages.ack(2));
    }

    @Test
    void garbageFirstByteIsDroppedAsMalformed() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        NettyTransport server = bind("server", inbound);

        Socket socket = connect(server);
        socket.getOutputStream().write(new byte[] {'c', 'u', 'r', 'l'});
        assertThat(readUntilClosed(socket)).isEmpty();

        eventually("malformed drop counted on server", () -> drops("server", "malformed") == 1);
        assertThat(inbound.streamCount()).isZero();
    }

    @Test
    void peerLeavingMidMessageIsCountedAsTruncated() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        NettyTransport server = bind("server", inbound);
        byte[] user = StreamMessages.user(randomBytes(100, 26));

        Socket socket = connect(server);
        socket.getOutputStream().write(user, 0, 50);
        socket.shutdownOutput();
        assertThat(readUntilClosed(socket)).isEmpty();

        eventually("truncated drop counted", () -> drops("server", "truncated") == 1);
        assertThat(inbound.streamCount()).isZero();
    }

    @Test
    void inboundStreamsBeyondTheLimitAreRefusedAndCounted() throws Exception {
        RecordingInbound inbound = new RecordingInbound(message -> StreamMessages.ack(3));
        NettyTransport server = bind("server", inbound, new TransportLimits(WAIT, 1, 1 << 26));
        NettyTransport client = bind("client", new RecordingInbound());
        byte[] ping = StreamMessages.ping(3, "server");

        Socket holder = connect(server);
        holder.getOutputStream().write(ping, 0, 3);
        eventually("the first stream is being served", () -> bytes("server", "in", "tcp") == 3);
        Socket refused = connect(server);
        refused.getOutputStream().write(ping);
        assertThat(readUntilClosed(refused)).isEmpty();
        eventually("overloaded drop counted on server", () -> drops("server", "overloaded") == 1);

        holder.getOutputStream().write(ping, 3, ping.length - 3);
        assertThat(readUntilClosed(holder)).isEqualTo(StreamMessages.ack(3));
        assertExchange(client, server, ping, StreamMessages.ack(3));
    }

    @Test
    void sendStreamToAClosedPortFails() throws Exception {
        NettyTransport client = bind("client", new RecordingInbound());
        InetSocketAddress nobody;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) reserved.getLocalSocketAddress();
        }

        StepVerifier.create(client.sendStream(nobody, StreamMessages.ping(1, ""), true, WAIT))
                .expectError(ConnectException.class)
                .verify(WAIT);
    }

    @Test
    void silentPeerTimesOutAndTheConnectionIsClosed() throws Exception {
        NettyTransport client = bind("client", new RecordingInbound());
        ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(silent);
        byte[] ping = StreamMessages.ping(4, "silent");

        StepVerifier.create(client.sendStream((InetSocketAddress) silent.getLocalSocketAddress(), ping, true,
                        Duration.ofMillis(300)))
                .expectError(TimeoutException.class)
                .verify(WAIT);

        Socket accepted = silent.accept();
        sockets.add(accepted);
        accepted.setSoTimeout((int) WAIT.toMillis());
        assertThat(readUntilClosed(accepted)).as("the ping, then the client's close").isEqualTo(ping);
    }

    @Test
    void badOrMissingRepliesAreErrors() throws Exception {
        NettyTransport client = bind("client", new RecordingInbound());
        NettyTransport garbage = bind("garbage", new RecordingInbound(message -> new byte[] {'n', 'o'}));
        NettyTransport mute = bind("mute", new RecordingInbound());
        byte[] ping = StreamMessages.ping(5, "x");

        StepVerifier.create(client.sendStream(garbage.boundAddress(), ping, true, WAIT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DropException.class,
                        drop -> assertThat(drop.reason()).isEqualTo("malformed")))
                .verify(WAIT);
        eventually("malformed drop counted on client", () -> drops("client", "malformed") == 1);
        StepVerifier.create(client.sendStream(mute.boundAddress(), ping, true, WAIT))
                .expectError(EOFException.class)
                .verify(WAIT);
    }

    @Test
    void closeFreesThePortAndEndsOpenStreams() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        NettyTransport first = bind("first", inbound);
        InetSocketAddress address = first.boundAddress();
        Socket open = connect(first);
        open.getOutputStream().write(1);
        eventually("the stream is being served", () -> bytes("first", "in", "tcp") == 1);

        first.close().block(WAIT);
        first.close().block(WAIT); // idempotent

        assertThat(readUntilClosed(open)).isEmpty();
        RecordingInbound againInbound = new RecordingInbound();
        NettyTransport again = bind("again", againInbound, TransportLimits.DEFAULT, address);
        assertThat(again.boundAddress()).isEqualTo(address);
        NettyTransport sender = bind("sender", new RecordingInbound());
        sender.sendPacket(address, new byte[] {9});
        assertThat(againInbound.nextPacket().bytes()).containsExactly(9);
        StepVerifier.create(sender.sendStream(address, StreamMessages.user(new byte[] {8}), false, WAIT))
                .verifyComplete();
        assertThat(againInbound.nextStream().bytes()).isEqualTo(StreamMessages.user(new byte[] {8}));
        StepVerifier.create(first.sendStream(address, StreamMessages.ping(1, ""), false, WAIT))
                .expectError(IllegalStateException.class)
                .verify(WAIT);
    }

    @Test
    void portWhoseTcpSideIsTakenFailsToBindAndReleasesItsUdpSide() throws Exception {
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(taken);
        InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();

        StepVerifier.create(new NettyTransportFactory(registry, "late").bind(address, new RecordingInbound()))
                .expectError()
                .verify(WAIT);

        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(address)) {
            assertThat(udp.getLocalPort()).isEqualTo(address.getPort());
        }
    }

    @Test
    void unsendablePacketIsCountedNotThrown() throws Exception {
        NettyTransport a = bind("a", new RecordingInbound());

        a.sendPacket(InetSocketAddress.createUnresolved("nowhere.invalid", 7946), new byte[] {1});

        eventually("send failure counted", () -> drops("a", "send-failed") == 1);
        assertThat(a.meters().packetsOut()).isZero();
    }
}
