package io.grapevine.membership.internal.transport;

import io.grapevine.membership.internal.codec.DropException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import reactor.core.publisher.Mono;
import reactor.netty.NettyInbound;

/**
 * Collects the chunks of one stream connection until they hold one complete message. The
 * buffer grows by doubling from what actually arrived, never from a size the peer claims, and
 * never beyond {@link StreamFraming#MAX_MESSAGE_BYTES}; bytes after the message are ignored.
 * Its memory is reserved from a {@link ByteBudget} shared with the other connections and must
 * be given back with {@link #release()} when the exchange ends. Used by one connection, on its
 * event loop.
 */
final class StreamAccumulator {

    private static final int INITIAL_CAPACITY = 256;

    private final StreamFraming framing = new StreamFraming();
    private final ByteBudget budget;
    private byte[] buf = new byte[0];
    private int len;
    private boolean complete;
    private boolean released;
    /** Bytes taken from the budget and not yet given back. */
    private long reserved;

    /** @param budget where buffer memory is reserved from */
    StreamAccumulator(ByteBudget budget) {
        this.budget = budget;
    }

    /**
     * Appends a chunk (without consuming it) and checks for a complete message. The budget is
     * given back as soon as the message is complete or refused: what the protocol does with
     * the message afterwards is no longer buffering.
     *
     * @param chunk bytes just read
     * @return the complete message, or null while more bytes are needed (and for any chunk
     *         after the message or after {@link #release()})
     * @throws DropException {@code malformed} or {@code oversized}; {@code overloaded} when the
     *                       budget has no room for the bytes
     */
    byte[] append(ByteBuf chunk) throws DropException {
        if (complete || released) {
            return null; // a straggling chunk after the exchange ended
        }
        int end;
        try {
            int n = Math.min(chunk.readableBytes(), StreamFraming.MAX_MESSAGE_BYTES - len);
            ensureCapacity(len + n);
            chunk.getBytes(chunk.readerIndex(), buf, len, n);
            len += n;
            end = framing.scan(buf, len);
        } catch (DropException e) {
            release();
            throw e;
        }
        if (end < 0) {
            return null;
        }
        complete = true;
        release();
        return end == buf.length ? buf : Arrays.copyOf(buf, end);
    }

    /** @return bytes buffered so far */
    int buffered() {
        return len;
    }

    private void ensureCapacity(int needed) throws DropException {
        if (needed <= buf.length) {
            return;
        }
        // double to keep copying linear; when the budget cannot spare that, take just enough
        int doubled = (int) Math.min(StreamFraming.MAX_MESSAGE_BYTES,
                Math.max(Math.max(needed, INITIAL_CAPACITY), 2L * buf.length));
        int grown = budget.tryReserve(doubled - buf.length) ? doubled
                : budget.tryReserve(needed - buf.length) ? needed : -1;
        if (grown < 0) {
            throw new DropException(TransportMeters.REASON_OVERLOADED, "no room to buffer " + needed
                    + " bytes: inbound streams hold all the memory they may");
        }
        reserved += grown - buf.length;
        buf = Arrays.copyOf(buf, grown);
    }

    /**
     * Gives the buffer's memory back to the budget; idempotent. Call it on the thread that
     * appends, so that no chunk can grow the buffer after it.
     */
    void release() {
        released = true;
        budget.release(reserved);
        reserved = 0;
    }

    /** @return whether the message was handed out */
    boolean isComplete() {
        return complete;
    }

    /**
     * Reads one complete message from a connection into this accumulator. The connection's
     * further input is discarded once the message is complete.
     *
     * @param inbound the connection's inbound side
     * @param onBytes told the size of every chunk read, for the byte counters
     * @return the message; empty when the peer closed before sending anything; a
     *         {@link DropException} when the input is malformed, oversized or cut short
     */
    Mono<byte[]> readFrom(NettyInbound inbound, IntConsumer onBytes) {
        // reactor-netty may still complete the inbound after we cancelled it (the connection
        // closing under a timeout); a truncation error then would have nobody to go to
        AtomicBoolean cancelled = new AtomicBoolean();
        return inbound.receive()
                .<byte[]>handle((chunk, sink) -> {
                    onBytes.accept(chunk.readableBytes());
                    try {
                        byte[] message = append(chunk);
                        if (message != null) {
                            sink.next(message);
                        }
                    } catch (DropException e) {
                        sink.error(e);
                    }
                })
                .next()
                .switchIfEmpty(Mono.defer(() -> cancelled.get() || buffered() == 0 ? Mono.empty()
                        : Mono.error(new DropException(TransportMeters.REASON_TRUNCATED,
                                "stream closed after " + buffered() + " bytes, mid-message"))))
                .doOnCancel(() -> cancelled.set(true));
    }
}
