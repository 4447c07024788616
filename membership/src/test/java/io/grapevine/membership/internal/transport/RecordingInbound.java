package io.grapevine.membership.internal.transport;

import io.grapevine.membership.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/** Records what a transport delivers; answers streams with a fixed function. */
final class RecordingInbound implements Transport.Inbound {

    /** What arrived, where from, and on which thread. */
    record Arrival(InetSocketAddress from, byte[] bytes, String thread) {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Arrival> packets = new LinkedBlockingQueue<>();
    private final BlockingQueue<Arrival> streams = new LinkedBlockingQueue<>();
    private final UnaryOperator<byte[]> replies;

    /** @param replies reply for each stream message; null for none */
    RecordingInbound(UnaryOperator<byte[]> replies) {
        this.replies = replies;
    }

    RecordingInbound() {
        this(message -> null);
    }

    @Override
    public void onPacket(InetSocketAddress from, byte[] packet) {
        packets.add(new Arrival(from, packet, Thread.currentThread().getName()));
    }

    @Override
    public Mono<byte[]> onStream(InetSocketAddress from, byte[] message) {
        streams.add(new Arrival(from, message, Thread.currentThread().getName()));
        return Mono.justOrEmpty(replies.apply(message));
    }

    Arrival nextPacket() throws InterruptedException {
        return take(packets);
    }

    Arrival nextStream() throws InterruptedException {
        return take(streams);
    }

    int streamCount() {
        return streams.size();
    }

    private static Arrival take(BlockingQueue<Arrival> queue) throws InterruptedException {
        Arrival arrival = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (arrival == null) {
            throw new AssertionError("nothing arrived within " + WAIT);
        }
        return arrival;
    }
}
