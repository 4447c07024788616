package io.grapevine.membership.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The stream connections of one transport, inbound and outbound, so that closing the transport
 * also ends exchanges in flight instead of leaving them to their deadlines. Once closed, every
 * connection registered afterwards is closed at once.
 */
final class OpenChannels {

    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Tracks a connection until it closes.
     *
     * @param channel a connection just opened
     * @return false when the transport is closed (the connection is then being closed)
     */
    boolean register(Channel channel) {
        if (!closed) {
            channels.add(channel);
            channel.closeFuture().addListener(f -> channels.remove(channel));
            if (!closed) {
                return true;
            }
            // closeAll ran between the check and the add: it may have missed this one
        }
        channel.close();
        return false;
    }

    /** @return whether {@link #closeAll} was called */
    boolean isClosed() {
        return closed;
    }

    /** @return closes every connection; completes when all are closed. Idempotent. */
    Mono<Void> closeAll() {
        closed = true;
        return Mono.when(channels.stream().map(channel -> completion(channel.close())).toList());
    }

    private static Mono<Void> completion(ChannelFuture future) {
        return Mono.create(sink -> future.addListener(f -> sink.success()));
    }
}
