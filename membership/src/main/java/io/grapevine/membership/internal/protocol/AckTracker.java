package io.grapevine.membership.internal.protocol;

import java.util.HashMap;
import java.util.Map;
import reactor.core.Disposable;

/**
 * Sequence numbers and the handlers waiting for their acks and nacks. A handler is forgotten
 * when its deadline passes, so a peer cannot make this table grow by never answering.
 * Touched only on the protocol worker.
 */
public final class AckTracker {
    private final ProtocolClock clock;
    private final Map<Long, Handler> handlers = new HashMap<>();
    private long seq;

    /** @param clock the protocol clock */
    public AckTracker(ProtocolClock clock) {
        this.clock = clock;
    }

    /** @return a fresh sequence number (u32, wrapping) */
    public long nextSeq() {
        seq = (seq + 1) & 0xFFFF_FFFFL;
        return seq;
    }

    /**
     * Waits for the ack (and any nacks) of a sequence number.
     *
     * @param seqNo       the number
     * @param onAck       run on the first ack
     * @param onNack      run on each nack
     * @param ttlMillis   forget the handler after this long
     * @param onTimeout   run if no ack came within the ttl (may be null)
     */
    public void expect(long seqNo, Runnable onAck, Runnable onNack, long ttlMillis, Runnable onTimeout) {
        Handler h = new Handler(onAck, onNack, onTimeout);
        Handler old = handlers.put(seqNo, h);
        if (old != null) {
            old.timer.dispose();
        }
        h.timer = clock.schedule(() -> {
            if (handlers.remove(seqNo, h) && h.onTimeout != null) {
                h.onTimeout.run();
            }
        }, ttlMillis);
    }

    /** @param seqNo the acked number
     *  @return whether someone was waiting for it */
    public boolean ack(long seqNo) {
        Handler h = handlers.remove(seqNo);
        if (h == null) {
            return false;
        }
        h.timer.dispose();
        h.onAck.run();
        return true;
    }

    /** @param seqNo the nacked number */
    public void nack(long seqNo) {
        Handler h = handlers.get(seqNo);
        if (h != null && h.onNack != null) {
            h.onNack.run();
        }
    }

    /** @param seqNo stop waiting for this number */
    public void forget(long seqNo) {
        Handler h = handlers.remove(seqNo);
        if (h != null) {
            h.timer.dispose();
        }
    }

    /** @return handlers waiting */
    public int pending() {
        return handlers.size();
    }

    /** Forgets every handler. */
    public void clear() {
        handlers.values().forEach(h -> h.timer.dispose());
        handlers.clear();
    }


    private static final class Handler {
        final Runnable onAck;
        final Runnable onNack;
        final Runnable onTimeout;
        Disposable timer;

        Handler(Runnable onAck, Runnable onNack, Runnable onTimeout) {
            this.onAck = onAck;
            this.onNack = onNack;
            this.onTimeout = onTimeout;
        }
    }
}
