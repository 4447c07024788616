package io.grapevine.membership;

import java.net.InetSocketAddress;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The network under the protocol: packets (UDP) and one-exchange streams (TCP) on one address.
 * Production uses reactor-netty on real sockets; the testkit plugs in a simulated network. This is
 * a service-provider interface: applications normally never touch it.
 *
 * <p>Implementations never block the caller and never call back on the caller's thread while it
 * holds protocol state; callbacks into {@link Inbound} may come from any thread.
 */
public interface Transport {

    /** What the transport hands to the protocol. */
    interface Inbound {
        /**
         * A datagram arrived. Must not block.
         *
         * @param from   the datagram's source
         * @param packet its bytes (at most the transport's packet bound)
         */
        void onPacket(InetSocketAddress from, byte[] packet);

        /**
         * A stream arrived with one complete message.
         *
         * @param from    the remote address of the connection
         * @param message the complete message, outermost layer first
         * @return the reply to write before closing, or empty to close without replying
         */
        Mono<byte[]> onStream(InetSocketAddress from, byte[] message);
    }

    /** @return the address actually bound (the port is resolved when 0 was asked) */
    InetSocketAddress boundAddress();

    /**
     * Sends a datagram, fire and forget: a failure is counted, never thrown.
     *
     * @param to     destination
     * @param packet bytes to send
     */
    void sendPacket(InetSocketAddress to, byte[] packet);

    /**
     * Opens a stream, writes one message and, when asked, reads one complete message back.
     *
     * @param to          destination
     * @param message     the message to write
     * @param expectReply whether to wait for a reply message
     * @param timeout     deadline for the whole exchange
     * @return the reply (empty when none was expected); an error on connect failure, timeout
     *         or a malformed or oversized reply
     */
    Mono<byte[]> sendStream(InetSocketAddress to, byte[] message, boolean expectReply, Duration timeout);

    /** @return completes when the sockets are closed */
    Mono<Void> close();
}
