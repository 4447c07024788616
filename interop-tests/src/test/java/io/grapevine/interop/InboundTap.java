package io.grapevine.interop;

import io.grapevine.membership.Transport;
import io.grapevine.membership.TransportFactory;
import io.grapevine.membership.internal.transport.NettyTransportFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * The default (Netty) transport with a tap on what arrives: datagrams counted by source address,
 * streams counted in total. {@code dropsByReason} says why inputs were dropped but not whether
 * they came over UDP or TCP; this tells which peer sent datagrams, so a test can show that a
 * wrong-key peer's UDP packets reached the node and were dropped, not just its TCP streams.
 */
final class InboundTap implements TransportFactory {
    private final TransportFactory delegate = new NettyTransportFactory();
    private final Map<InetSocketAddress, LongAdder> datagramsFrom = new ConcurrentHashMap<>();
    private final LongAdder streams = new LongAdder();

    @Override
    public Mono<Transport> bind(InetSocketAddress bind, Transport.Inbound inbound) {
        return delegate.bind(bind, new Transport.Inbound() {
            @Override
            public void onPacket(InetSocketAddress from, byte[] packet) {
                datagramsFrom.computeIfAbsent(from, a -> new LongAdder()).increment();
                inbound.onPacket(from, packet);
            }

            @Override
            public Mono<byte[]> onStream(InetSocketAddress from, byte[] message) {
                streams.increment();
                return inbound.onStream(from, message);
            }
        });
    }

    /**
     * @param source a peer's gossip address (memberlist sends datagrams from its bound port)
     * @return datagrams received from it so far
     */
    long datagramsFrom(InetSocketAddress source) {
        LongAdder n = datagramsFrom.get(source);
        return n == null ? 0 : n.sum();
    }

    /** @return streams received so far, from anyone */
    long streams() {
        return streams.sum();
    }
}
