package io.grapevine.membership;

import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;

/**
 * Binds a {@link Transport}. The default binds real UDP and TCP sockets with reactor-netty; the
 * testkit supplies a simulated network.
 */
@FunctionalInterface
public interface TransportFactory {
    /**
     * @param bind    the address to bind (port 0 picks a free port)
     * @param inbound where received packets and streams go
     * @return the bound transport, or an error when the address cannot be bound
     */
    Mono<Transport> bind(InetSocketAddress bind, Transport.Inbound inbound);
}
