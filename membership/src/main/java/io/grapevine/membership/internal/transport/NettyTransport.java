package io.grapevine.membership.internal.transport;

import io.grapevine.membership.internal.RateLimitedLog;
import io.grapevine.membership.Transport;
import io.grapevine.membership.internal.codec.DropException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import java.io.EOFException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ChannelBindException;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpServer;
import reactor.util.retry.Retry;

/**
 * The real network under the membership protocol: one UDP socket and one TCP listener on the
 * same port, on reactor-netty event loops shared by every transport in the JVM. Built by
 * {@link NettyTransportFactory}.
 *
 * <p>Datagrams up to 64 KiB are received whole and handed to {@link Transport.Inbound#onPacket}
 * on the event loop. Each TCP connection carries one exchange; its message is delimited by
 * {@link StreamFraming}, bounded in size and time ({@link TransportLimits}). Nothing a peer
 * sends can make this class throw, block or allocate beyond the bounds: it is counted in
 * {@link TransportMeters} and logged at most once per reason per 10 s.
 */
public final class NettyTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    /** Largest datagram accepted: a UDP payload cannot be larger. */
    static final int MAX_DATAGRAM_BYTES = 65_536;
    /** memberlist asks the kernel for a 2 MiB receive buffer so gossip bursts are not lost. */
    private static final int UDP_SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;
    /** Datagrams queued for sending beyond this are refused (counted), not queued without bound. */
    private static final WriteBufferWaterMark UDP_SEND_QUEUE = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);
    /** With port 0, UDP picks the port; TCP may find it taken, so a few fresh ports are tried. */
    private static final int MAX_BIND_ATTEMPTS = 5;

    private final Connection udp;
    private final DisposableServer tcp;
    private final InetSocketAddress bound;
    private final TransportMeters meters;
    private final RateLimitedLog warnings;
    private final OpenChannels open;
    private final TcpClient client;

    private NettyTransport(Connection udp, DisposableServer tcp, TransportMeters meters, RateLimitedLog warnings,
                           OpenChannels open, LoopResources loops) {
        this.udp = udp;
        this.tcp = tcp;
        this.bound = (InetSocketAddress) udp.channel().localAddress();
        this.meters = meters;
        this.warnings = warnings;
        this.open = open;
        this.client = TcpClient.newConnection()
                .runOn(loops)
                .option(ChannelOption.TCP_NODELAY, true)
                .doOnConnected(connection -> open.register(connection.channel()));
    }

    /**
     * Binds UDP, then TCP on the port UDP got. When port 0 was asked and TCP finds that port
     * taken, both are released and a new port is tried, up to {@value #MAX_BIND_ATTEMPTS} times.
     */
    static Mono<NettyTransport> bind(InetSocketAddress requested, Inbound inbound, TransportMeters meters,
                                     TransportLimits limits, LoopResources loops) {
        Objects.requireNonNull(inbound, "inbound");
        if (requested.isUnresolved()) {
            return Mono.error(new IllegalArgumentException("bind address must be resolved: " + requested));
        }
        RateLimitedLog warnings = new RateLimitedLog(LOG);
        OpenChannels open = new OpenChannels();
        DatagramReceiver receiver = new DatagramReceiver(inbound, meters, warnings, open);
        StreamResponder responder = new StreamResponder(inbound, meters, warnings, open, limits);
        Mono<NettyTransport> attempt = Mono.defer(() -> bindUdp(requested, receiver, loops)
                .flatMap(udp -> {
                    int port = ((InetSocketAddress) udp.channel().localAddress()).getPort();
                    InetSocketAddress tcpAddress = new InetSocketAddress(requested.getAddress(), port);
                    return TcpServer.create()
                            .runOn(loops)
                            .bindAddress(() -> tcpAddress)
                            .handle(responder)
                            .bind()
                            .map(tcp -> new NettyTransport(udp, tcp, meters, warnings, open, loops))
                            .onErrorResume(error -> {
                                udp.dispose();
                                return udp.onDispose().then(Mono.error(error));
                            });
                }));
        if (requested.getPort() != 0) {
            return attempt;
        }
        return attempt.retryWhen(Retry.max(MAX_BIND_ATTEMPTS - 1)
                .filter(NettyTransport::isBindFailure)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static Mono<? extends Connection> bindUdp(InetSocketAddress address, DatagramReceiver receiver,
                                                      LoopResources loops) {
        return UdpServer.create()
                .runOn(loops)
                .bindAddress(() -> address)
                // Netty's default reads 2048 bytes and silently truncates the rest of a datagram
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
                .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER_BYTES)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UDP_SEND_QUEUE)
                .doOnChannelInit((observer, channel, remote) ->
                        channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, "grapevine.datagrams", receiver))
                .bind();
    }

    private static boolean isBindFailure(Throwable error) {
        return error instanceof ChannelBindException || error instanceof BindException
                || error.getCause() instanceof BindException;
    }

    /** @return the counters this transport reports to */
    public TransportMeters meters() {
        return meters;
    }

    @Override
    public InetSocketAddress boundAddress() {
        return bound;
    }

    /**
     * Queues the datagram on the socket's event loop; callable from any thread, never blocks.
     * The array is sent as it is, not copied: do not modify it afterwards. A refused or failed
     * send is counted as {@code send-failed}; after {@link #close()} packets are ignored.
     */
    @Override
    public void sendPacket(InetSocketAddress to, byte[] packet) {
        if (open.isClosed()) {
            return;
        }
        Channel channel = udp.channel();
        if (!channel.isWritable()) {
            sendFailed(to, "send queue full");
            return;
        }
        try {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to)).addListener(future -> {
                if (future.isSuccess()) {
                    meters.packetOut(packet.length);
                } else if (!open.isClosed()) {
                    sendFailed(to, future.cause().toString());
                }
            });
        } catch (RuntimeException e) {
            sendFailed(to, e.toString());
        }
    }

    private void sendFailed(InetSocketAddress to, String why) {
        meters.drop(TransportMeters.REASON_SEND_FAILED);
        warnings.warn(TransportMeters.REASON_SEND_FAILED, "datagram to {} not sent: {}", to, why);
    }

    /**
     * Opens a connection, writes the message and, when asked, reads one complete message back,
     * all within {@code timeout}; the connection is closed in every case, cancellation included.
     * Errors: the connect failure as Netty reports it (e.g. {@link java.net.ConnectException}),
     * {@link TimeoutException}, {@link DropException} for a malformed, oversized or cut-short
     * reply (also counted), {@link EOFException} when the peer closed without replying,
     * {@link IllegalStateException} once this transport is closed.
     */
    @Override
    public Mono<byte[]> sendStream(InetSocketAddress to, byte[] message, boolean expectReply, Duration timeout) {
        return Mono.defer(() -> {
            if (open.isClosed()) {
                return Mono.<byte[]>error(new IllegalStateException("transport closed"));
            }
            int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return Mono.usingWhen(
                    client.remoteAddress(() -> to).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis).connect(),
                    connection -> exchange(connection, to, message, expectReply),
                    NettyTransport::disconnect,
                    (connection, error) -> disconnect(connection),
                    NettyTransport::disconnect);
        }).timeout(timeout, Mono.error(() -> new TimeoutException(
                "stream exchange with " + to + " not done within " + timeout)));
    }

    private Mono<byte[]> exchange(Connection connection, InetSocketAddress to, byte[] message, boolean expectReply) {
        Mono<Void> write = connection.outbound().sendByteArray(Mono.just(message)).then()
                .doOnSuccess(done -> meters.streamOut(message.length));
        if (!expectReply) {
            return write.then(Mono.empty());
        }
        StreamAccumulator accumulator = new StreamAccumulator(ByteBudget.UNLIMITED);
        return write.then(accumulator.readFrom(connection.inbound(), meters::streamIn))
                .switchIfEmpty(Mono.error(() -> new EOFException("stream closed by " + to + " without a reply")))
                .doOnError(DropException.class, drop -> {
                    meters.drop(drop.reason());
                    warnings.warn(drop.reason(), "dropped reply from {}: {}", to, drop.getMessage());
                })
                .doFinally(signal -> accumulator.release());
    }

    private static Mono<Void> disconnect(Connection connection) {
        connection.dispose();
        return Mono.empty();
    }

    /**
     * Closes both sockets and every open connection; completes when they are closed. Idempotent:
     * every subscription after the first just awaits the same closing.
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            Mono<Void> connections = open.closeAll();
            udp.dispose();
            tcp.dispose();
            return Mono.when(connections, udp.onDispose(), tcp.onDispose());
        });
    }

    @Override
    public String toString() {
        return "NettyTransport[" + bound + "]";
    }
}
