package io.grapevine.membership.internal.protocol;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Application broadcasts that reach every member exactly once. memberlist only retransmits a
 * user message from its origin to a few random members, so some get it twice and some never;
 * Grapevine wraps each broadcast in an envelope {@code [0xE7][id u64][payload]} so receivers
 * can drop duplicates and pass new ones on (epidemic gossip, the same O(log n) rounds as
 * membership news). User messages without the envelope (serf's, or another memberlist
 * application's) are delivered as they are. Runs on the protocol worker.
 */
public final class UserBroadcasts {
    /** First byte of a Grapevine envelope; outside serf's message type range (0-9). */
    public static final int ENVELOPE = 0xE7;
    private static final int HEADER = 9;

    private final BroadcastQueue queue;
    private final RandomGenerator random;
    private final Consumer<byte[]> deliver;
    private final Cache<Long, Boolean> seen;

    /**
     * @param queue    the user gossip queue
     * @param random   source of message ids
     * @param deliver  receives payloads for the application
     * @param clock    time, for forgetting old ids
     * @param remember how long an id is remembered
     */
    public UserBroadcasts(BroadcastQueue queue, RandomGenerator random, Consumer<byte[]> deliver, ProtocolClock clock,
                          Duration remember) {
        this.queue = queue;
        this.random = random;
        this.deliver = deliver;
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(remember)
                .maximumSize(100_000)
                .ticker(() -> clock.now() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /**
     * @param payload application bytes
     * @return the encoded user packet carrying them in an envelope
     */
    public byte[] encode(byte[] payload) {
        long id = random.nextLong();
        seen.put(id, Boolean.TRUE);
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.put((byte) ENVELOPE).putLong(id).put(payload);
        return WireCodec.encode(new Message.UserPacket(b.array()));
    }

    /** @param packet an encoded user packet from {@link #encode(byte[])} to gossip */
    public void enqueue(byte[] packet) {
        queue.enqueue(null, packet, null);
    }

    /**
     * A user message arrived by gossip.
     *
     * @param body the user message body
     */
    public void received(byte[] body) {
        if (body.length >= HEADER && (body[0] & 0xFF) == ENVELOPE) {
            long id = ByteBuffer.wrap(body, 1, 8).getLong();
            if (seen.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
                return;
            }
            deliver.accept(Arrays.copyOfRange(body, HEADER, body.length));
            queue.enqueue(null, WireCodec.encode(new Message.UserPacket(body)), null);
            return;
        }
        deliver.accept(body);
    }
}
