package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.Transport;
import io.grapevine.membership.internal.codec.DropException;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.StreamLayers;
import io.grapevine.membership.internal.codec.WireCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Full state exchange over a stream (memberlist's push/pull): the initiator sends every member
 * it knows and merges the reply; the responder replies with its own state, then merges. Used to
 * join, periodically to repair what gossip missed, and to reconnect partitions.
 */
public final class PushPullSync {
    private static final byte[] NO_USER_STATE = new byte[0];

    private final MembershipState state;
    private final ProtocolClock clock;
    private final Transport transport;
    private final StreamLayers layers;
    private final ProtocolMetrics metrics;
    private final Duration timeout;

    /**
     * @param state     state rules (source and sink of the exchange)
     * @param clock     the protocol worker
     * @param transport the network
     * @param layers    stream outer layers
     * @param metrics   counters
     * @param timeout   deadline of one exchange
     */
    public PushPullSync(MembershipState state, ProtocolClock clock, Transport transport, StreamLayers layers,
                        ProtocolMetrics metrics, Duration timeout) {
        this.state = state;
        this.clock = clock;
        this.transport = transport;
        this.layers = layers;
        this.metrics = metrics;
        this.timeout = timeout;
    }

    /**
     * Exchanges state with a peer and merges its reply.
     *
     * @param to   the peer
     * @param join whether this is a join
     * @return completes once the reply is merged; errors when the peer cannot be reached or
     *         answers with an error or garbage
     */
    public Mono<Void> exchange(InetSocketAddress to, boolean join) {
        return Mono.<byte[]>create(sink -> clock.execute(() -> sink.success(
                        layers.wrap(WireCodec.encode(new Message.PushPull(join, state.localState(), NO_USER_STATE))))))
                .flatMap(request -> {
                    metrics.sent(request.length);
                    return transport.sendStream(to, request, true, timeout);
                })
                .flatMap(reply -> {
                    metrics.received(reply.length);
                    Message m;
                    try {
                        m = layers.unwrap(reply);
                    } catch (DropException e) {
                        metrics.drop(e.reason());
                        return Mono.error(new IllegalStateException("push/pull reply from " + to + " dropped: " + e.getMessage()));
                    }
                    if (m instanceof Message.PushPull pp) {
                        return Mono.<Void>create(sink -> clock.execute(() -> {
                            state.merge(pp.nodes());
                            sink.success();
                        }));
                    }
                    if (m instanceof Message.ErrorResponse err) {
                        return Mono.error(new IllegalStateException(to + " refused push/pull: " + err.error()));
                    }
                    metrics.drop("unexpected-type");
                    return Mono.error(new IllegalStateException(to + " answered push/pull with type " + m.type()));
                });
    }

    /**
     * Answers a peer's push/pull: our state (echoing its join flag), then merges its state.
     * Call on the protocol worker.
     *
     * @param remote the peer's message
     * @return the encoded reply, outer layers applied
     */
    public byte[] respond(Message.PushPull remote) {
        byte[] reply = layers.wrap(WireCodec.encode(new Message.PushPull(remote.join(), state.localState(), NO_USER_STATE)));
        state.merge(remote.nodes());
        return reply;
    }
}
