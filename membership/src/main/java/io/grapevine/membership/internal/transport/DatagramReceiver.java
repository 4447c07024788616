package io.grapevine.membership.internal.transport;

import io.grapevine.membership.internal.RateLimitedLog;
import io.grapevine.membership.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Hands each datagram to the protocol as a {@code byte[]} copy, on the event loop. It consumes
 * every datagram and every error itself: nothing reaches reactor-netty's own handler, which
 * would otherwise queue datagrams nobody reads or close the socket on a transient error.
 *
 * <p>reactor-netty turns auto-read off and reads only for a subscriber of its inbound flux; we
 * have none, so this handler asks for the next read itself whenever a read completes.
 */
@ChannelHandler.Sharable
final class DatagramReceiver extends SimpleChannelInboundHandler<DatagramPacket> {

    private final Transport.Inbound inbound;
    private final TransportMeters meters;
    private final RateLimitedLog warnings;
    private final OpenChannels open;

    DatagramReceiver(Transport.Inbound inbound, TransportMeters meters, RateLimitedLog warnings, OpenChannels open) {
        super(DatagramPacket.class, true);
        this.inbound = inbound;
        this.meters = meters;
        this.warnings = warnings;
        this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        ctx.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        byte[] bytes = ByteBufUtil.getBytes(packet.content());
        meters.packetIn(bytes.length);
        if (open.isClosed()) {
            return;
        }
        try {
            inbound.onPacket(packet.sender(), bytes);
        } catch (RuntimeException e) {
            warnings.warn("inbound-error", "packet handler failed for a datagram from {}: {}", packet.sender(), e.toString());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP errors surfacing on the socket: the socket stays usable, so keep it open.
        warnings.warn("udp-error", "datagram socket error: {}", cause.toString());
    }
}
