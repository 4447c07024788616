package io.grapevine.kv.internal;

import io.grapevine.repair.RepairReport;
import io.grapevine.repair.Repairer;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closes the gap a ring change leaves. Nodes see a change at slightly different times, so for a
 * moment some coordinators route a key to its old replicas while a new replica has already
 * caught up, and the new replica misses those writes until the periodic round. Two mechanisms:
 * <ul>
 *   <li>once the ring has not changed for {@code settle}, this node compares each range that
 *       moved since the last such sync and that it replicated before or replicates now with each
 *       of its current replicas (the first time: every range it replicates; sessions between
 *       equal replicas cost one round trip);</li>
 *   <li>a replica write routed by a coordinator whose ring differs from ours marks the key's
 *       partition; once no such write has arrived for {@code quiet}, those ranges are repaired
 *       with all their current replicas (this node may have been an old replica that the new
 *       one still needs to hear from).</li>
 * </ul>
 * Marks are bounded by the number of ring partitions. Syncs run one at a time.
 */
public final class ChangeSync implements Disposable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeSync.class);
    private static final Duration TICK = Duration.ofMillis(500);

    private final String self;
    private final Supplier<RingSnapshot> ring;
    private final Peers peers;
    private final Repairer repairer;
    private final int concurrency;
    private final long settleNanos;
    private final long quietNanos;
    private final AtomicBoolean fullPending = new AtomicBoolean();
    private final AtomicLong lastChange = new AtomicLong();
    private final AtomicLong lastStale = new AtomicLong();
    private final Map<Integer, Long> stale = new ConcurrentHashMap<>();
    private final Disposable ticker;
    private volatile RingSnapshot lastSynced;

    /**
     * @param self        this node's name
     * @param ring        the current ring
     * @param peers       where repair servers listen
     * @param repairer    runs sessions
     * @param concurrency sessions at once
     * @param settle      quiet time after a ring change before the full comparison
     * @param quiet       quiet time after the last stale-routed write before its ranges are repaired
     */
    public ChangeSync(String self, Supplier<RingSnapshot> ring, Peers peers, Repairer repairer, int concurrency,
                      Duration settle, Duration quiet) {
        this.self = self;
        this.ring = ring;
        this.peers = peers;
        this.repairer = repairer;
        this.concurrency = concurrency;
        this.settleNanos = settle.toNanos();
        this.quietNanos = quiet.toNanos();
        this.ticker = Flux.interval(TICK, TICK)
            .onBackpressureDrop()
            .concatMap(t -> tick(), 1)
            .subscribe(null, e -> LOG.error("change sync stopped", e));
    }

    /** The ring changed: compare everything once it has settled. */
    public void ringChanged() {
        lastChange.set(System.nanoTime());
        fullPending.set(true);
    }

    /**
     * A replica write arrived routed by another ring.
     *
     * @param key the key written
     */
    public void staleWrite(byte[] key) {
        RingSnapshot r = ring.get();
        if (r == null) {
            return;
        }
        long token = Tokens.of(key);
        int bits = Integer.numberOfTrailingZeros(r.config().partitions());
        int partition = bits == 0 ? 0 : (int) ((token ^ Long.MIN_VALUE) >>> (64 - bits));
        stale.putIfAbsent(partition, token);
        lastStale.set(System.nanoTime());
    }

    private Mono<Void> tick() {
        RingSnapshot r = ring.get();
        if (r == null) {
            return Mono.empty();
        }
        long now = System.nanoTime();
        List<RangeSync.Task> tasks;
        String what;
        if (fullPending.get() && now - lastChange.get() >= settleNanos) {
            fullPending.set(false);
            RingSnapshot before = lastSynced;
            lastSynced = r;
            if (before == null) {
                stale.clear(); // the full comparison covers them
                tasks = RangeSync.everyShared(r, self);
                what = "ring settled";
            } else {
                tasks = RangeSync.moved(before, r, self);
                what = "ring settled, " + tasks.size() + " moved range(s) to compare";
            }
        } else if (!stale.isEmpty() && now - lastStale.get() >= quietNanos && !fullPending.get()) {
            List<Long> tokens = new ArrayList<>();
            for (Integer p : new ArrayList<>(stale.keySet())) {
                Long t = stale.remove(p);
                if (t != null) {
                    tokens.add(t);
                }
            }
            tasks = RangeSync.forTokens(r, self, tokens);
            what = tokens.size() + " partition(s) written through another ring";
        } else {
            return Mono.empty();
        }
        return RangeSync.run(tasks, peers, repairer, RepairReport.Reason.MANUAL, concurrency, 4)
            .doOnNext(s -> {
                if (s.entriesSent() + s.entriesReceived() + s.failed() > 0) {
                    LOG.info("sync after change ({}): {}", what, s);
                } else {
                    LOG.debug("sync after change ({}): {}", what, s);
                }
            })
            .onErrorResume(e -> {
                LOG.warn("sync after change failed: {}", e.toString());
                return Mono.empty();
            })
            .then();
    }

    @Override
    public void dispose() {
        ticker.dispose();
    }

    @Override
    public boolean isDisposed() {
        return ticker.isDisposed();
    }
}
