package io.grapevine.membership.internal.transport;

import io.grapevine.membership.internal.RateLimitedLog;
import io.grapevine.membership.Transport;
import io.grapevine.membership.internal.codec.DropException;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * Serves one inbound stream connection: one exchange, as memberlist does. Reads one complete
 * message, hands it to the protocol, writes the reply if there is one; reactor-netty closes the
 * connection when the returned publisher ends, whatever the outcome. Everything a peer can get
 * wrong ends as a counted drop and a rate-limited warning, never an error escaping to Netty.
 *
 * <p>A complete message is handed over detached from the connection: memberlist closes a user
 * message stream right after writing it, and reactor-netty cancels the exchange when the
 * connection closes; the message must reach the protocol all the same.
 */
final class StreamResponder implements BiFunction<NettyInbound, NettyOutbound, Publisher<Void>> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamResponder.class);

    private final Transport.Inbound inbound;
    private final TransportMeters meters;
    private final RateLimitedLog warnings;
    private final OpenChannels open;
    private final TransportLimits limits;
    private final AtomicInteger active = new AtomicInteger();
    private final ByteBudget buffers;

    StreamResponder(Transport.Inbound inbound, TransportMeters meters, RateLimitedLog warnings, OpenChannels open,
                    TransportLimits limits) {
        this.inbound = inbound;
        this.meters = meters;
        this.warnings = warnings;
        this.open = open;
        this.limits = limits;
        this.buffers = new ByteBudget(limits.maxBufferedStreamBytes());
    }

    @Override
    public Publisher<Void> apply(NettyInbound in, NettyOutbound out) {
        Channel[] holder = new Channel[1];
        in.withConnection(connection -> holder[0] = connection.channel());
        Channel channel = holder[0];
        InetSocketAddress from = (InetSocketAddress) channel.remoteAddress();
        if (!open.register(channel)) {
            return Mono.empty();
        }
        if (active.incrementAndGet() > limits.maxInboundStreams()) {
            active.decrementAndGet();
            drop(TransportMeters.REASON_OVERLOADED, "refused stream from {}: {} streams already open",
                    from, limits.maxInboundStreams());
            return Mono.empty();
        }
        StreamAccumulator accumulator = new StreamAccumulator(buffers);
        return accumulator.readFrom(in, meters::streamIn)
                .flatMap(message -> handOver(from, message))
                .flatMap(reply -> out.sendByteArray(Mono.just(reply)).then()
                        .doOnSuccess(done -> meters.streamOut(reply.length)))
                .timeout(limits.readDeadline())
                .onErrorResume(error -> {
                    report(from, error);
                    return Mono.empty();
                })
                // cancelled from outside: the connection closed under us
                .doOnCancel(() -> {
                    if (!accumulator.isComplete() && accumulator.buffered() > 0) {
                        drop(TransportMeters.REASON_TRUNCATED, "stream from {} closed after {} bytes, mid-message",
                                from, accumulator.buffered());
                    }
                })
                .doFinally(signal -> {
                    channel.eventLoop().execute(accumulator::release); // where chunks are appended
                    active.decrementAndGet();
                });
    }

    /** Subscribes the protocol's handling now, so that closing the connection cannot cancel it. */
    private Mono<byte[]> handOver(InetSocketAddress from, byte[] message) {
        CompletableFuture<byte[]> reply = Mono.defer(() -> inbound.onStream(from, message))
                .timeout(limits.readDeadline())
                .onErrorResume(error -> {
                    warnings.warn("handler-error", "stream handler failed for {}: {}", from, error.toString());
                    return Mono.empty();
                })
                .toFuture();
        return Mono.fromFuture(reply, true);
    }

    private void report(InetSocketAddress from, Throwable error) {
        if (error instanceof DropException dropped) {
            drop(dropped.reason(), "dropped stream from {}: {}", from, dropped.getMessage());
        } else if (error instanceof TimeoutException) {
            drop(TransportMeters.REASON_TIMEOUT, "stream from {} not done within {}", from, limits.readDeadline());
        } else {
            // connection reset and the like: the peer went away, nothing to count
            LOG.debug("stream from {} failed: {}", from, error.toString());
        }
    }

    private void drop(String reason, String message, Object... args) {
        meters.drop(reason);
        warnings.warn(reason, message, args);
    }
}
