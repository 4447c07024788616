package io.grapevine.repair.internal;

import io.grapevine.repair.RepairException;
import io.grapevine.repair.RepairProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * Runs a {@link Session} over one TCP connection: decodes inbound frames, feeds them to the
 * session one at a time, writes its answers with backpressure (and through the rate limiter),
 * watches for a stalled peer, and turns every failure into one clear exception, after telling the
 * peer with an ERROR frame when the fault is not the peer's own report.
 */
public final class SessionDriver {
    private SessionDriver() {
    }

    /**
     * Installs the length-prefixed frame decoder on a new connection.
     *
     * @param c             the connection
     * @param maxFrameBytes the largest accepted frame body
     */
    public static void installDecoder(Connection c, int maxFrameBytes) {
        c.addHandlerLast("grapevine-repair-frames",
                new LengthFieldBasedFrameDecoder(maxFrameBytes + 4, 0, 4, 0, 4, true));
    }

    /**
     * @param session   the session
     * @param in        the connection's inbound
     * @param out       the connection's outbound
     * @param limiter   the rate limiter, or null
     * @param idle      the stall timeout
     * @param scheduler clock and timer
     * @return completes when the session completed, errors when it failed
     */
    public static Mono<Void> drive(Session session, NettyInbound in, NettyOutbound out, RateLimiter limiter,
                                   Duration idle, Scheduler scheduler) {
        AtomicLong last = new AtomicLong(scheduler.now(TimeUnit.MILLISECONDS));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Flux<Frame> inbound = in.receive().map(buf -> {
            byte[] body = new byte[buf.readableBytes()];
            buf.readBytes(body);
            session.countIn(body.length + 4L);
            last.set(scheduler.now(TimeUnit.MILLISECONDS));
            return Frame.decodeBody(body);
        });
        Flux<Frame> frames = Flux.concat(
                        session.start(),
                        inbound.concatMap(session::onFrame, 1),
                        Flux.defer(() -> session.completed() ? Flux.empty()
                                : Flux.error(new RepairException("the peer closed the connection mid-session"))))
                .takeWhile(f -> f != Session.CLOSE)
                .onErrorResume(e -> {
                    Throwable cause = translate(e);
                    failure.compareAndSet(null, cause);
                    boolean tell = !(cause instanceof Session.PeerError) && !isClosed(cause);
                    return tell ? Flux.just(Session.errorFrame(cause)) : Flux.empty();
                });
        if (limiter != null) {
            frames = frames.concatMap(f -> limiter.acquire(f.wireSize()).thenReturn(f), 1);
        }
        Flux<ByteBuf> bytes = frames.map(f -> {
            byte[] wire = f.encode();
            session.countOut(wire.length);
            last.set(scheduler.now(TimeUnit.MILLISECONDS));
            return Unpooled.wrappedBuffer(wire);
        });
        // Every frame is flushed (TCP_NODELAY is on, so small frames are not held back).
        Mono<Void> sending = out.send(bytes, b -> true).then();
        long idleMillis = idle.toMillis();
        Mono<Void> watchdog = Flux.interval(Duration.ofMillis(Math.max(1, idleMillis / 4)), scheduler)
                .filter(t -> scheduler.now(TimeUnit.MILLISECONDS) - last.get() > idleMillis)
                .next()
                .then(Mono.error(() -> new RepairException("no progress for " + idle + ": session abandoned")));
        return sending.or(watchdog)
                .onErrorResume(e -> {
                    failure.compareAndSet(null, translate(e));
                    return Mono.empty();
                })
                .then(Mono.defer(() -> {
                    Throwable f = failure.get();
                    if (f != null) {
                        return Mono.error(f);
                    }
                    return session.completed() ? Mono.empty()
                            : Mono.error(new RepairException("the connection ended before the session completed"));
                }));
    }

    private static boolean isClosed(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof java.io.IOException || m.contains("closed the connection") || m.contains("Connection reset");
    }

    /** Maps transport exceptions to the module's exceptions with a clear message. */
    static Throwable translate(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof RepairException) && !(t instanceof TooLongFrameException)) {
            if (t instanceof io.netty.handler.codec.DecoderException) {
                t = t.getCause();
            } else {
                break;
            }
        }
        if (t instanceof TooLongFrameException) {
            return new RepairProtocolException("frame too large: " + t.getMessage());
        }
        if (t instanceof RepairException) {
            return t;
        }
        return new RepairException("repair session failed: " + t, t);
    }
}
