package io.grapevine.membership.internal.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on what peers can make a {@link NettyTransport} hold open.
 *
 * @param readDeadline      the whole inbound stream exchange (read, handling, reply) must end
 *                          within this, else the connection is closed and counted as
 *                          {@code timeout}; memberlist uses 10 s
 * @param maxInboundStreams inbound stream connections served at once; more are closed on
 *                          arrival and counted as {@code overloaded}
 * @param maxBufferedStreamBytes memory all inbound streams of one transport may buffer together;
 *                          a stream that would need more is closed and counted as
 *                          {@code overloaded}. Below {@link StreamFraming#MAX_MESSAGE_BYTES} the
 *                          largest legal messages can never be received
 */
public record TransportLimits(Duration readDeadline, int maxInboundStreams, long maxBufferedStreamBytes) {

    /**
     * 10 s deadline (memberlist's TCP timeout), 256 concurrent inbound streams, 64 MiB of
     * buffers (three maximum-size messages at once).
     */
    public static final TransportLimits DEFAULT = new TransportLimits(Duration.ofSeconds(10), 256, 64L * 1024 * 1024);

    /** Validates the bounds. */
    public TransportLimits {
        Objects.requireNonNull(readDeadline, "readDeadline");
        if (readDeadline.isNegative() || readDeadline.isZero()) {
            throw new IllegalArgumentException("readDeadline must be positive: " + readDeadline);
        }
        if (maxInboundStreams < 1) {
            throw new IllegalArgumentException("maxInboundStreams must be at least 1: " + maxInboundStreams);
        }
        if (maxBufferedStreamBytes < 1) {
            throw new IllegalArgumentException("maxBufferedStreamBytes must be positive: " + maxBufferedStreamBytes);
        }
    }
}
