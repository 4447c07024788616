package io.grapevine.repair;

import io.grapevine.repair.internal.BucketTree;
import io.grapevine.repair.internal.EntryHash;
import io.grapevine.repair.internal.RangeLayout;
import io.grapevine.ring.TokenRange;
import io.grapevine.ring.Tokens;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The Merkle trees of a store, kept current on every write. One {@link BucketTree} of
 * {@code 2^depth} XOR buckets covers the whole token space; the tree of any token range is a view
 * of it (its buckets, the two edge buckets hashed by a small scan), so ranges that move in a ring
 * change need no new tree and no rescan. Each {@link Change} the store reports costs
 * {@code depth + 1} atomic XORs; the store is scanned in full only by {@link #build} and
 * {@link #rebuild()}, the latter rate-limited.
 *
 * <p>Memory is fixed: {@code 2^(depth+1) x 8} bytes (4 MiB at the default depth 18), whatever the
 * number of keys or ranges.
 *
 * <p>A change racing with a (re)build's scan can be counted twice, leaving a bucket that never
 * matches: that costs a few extra hashes per session (its entries still compare equal) until the
 * next rebuild. Build while the store is quiet (at start-up) to avoid it.
 */
public final class MerkleIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MerkleIndex.class);
    private static final TokenRange WHOLE_RING = new TokenRange(Long.MIN_VALUE, Long.MIN_VALUE);

    private final RepairStore store;
    private final int depth;
    private final Scheduler scheduler;
    private final Duration minRebuildInterval;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private volatile BucketTree tree;
    private volatile BucketTree building;
    private volatile long lastRebuildMillis = Long.MIN_VALUE;
    private volatile Disposable subscription;

    private MerkleIndex(RepairStore store, int depth, Scheduler scheduler, Duration minRebuildInterval) {
        this.store = store;
        this.depth = depth;
        this.scheduler = scheduler;
        this.minRebuildInterval = minRebuildInterval;
    }

    /**
     * Subscribes to the store's changes, then scans it once to fill the tree.
     *
     * @param store  the store
     * @param config depth, scheduler and rebuild interval
     * @return the index, once filled
     */
    public static Mono<MerkleIndex> build(RepairStore store, RepairConfig config) {
        return Mono.defer(() -> {
            MerkleIndex index = new MerkleIndex(store, config.depth(), config.scheduler(), config.minRebuildInterval());
            BucketTree first = new BucketTree(config.depth());
            index.building = first;
            index.subscription = store.changes().subscribe(index::onChange,
                    e -> LOG.error("the store's change stream failed; trees will drift until a rebuild", e));
            return index.fill(first).thenReturn(index).doOnError(e -> index.close());
        });
    }

    private Mono<Void> fill(BucketTree target) {
        return store.scan(WHOLE_RING)
                .doOnNext(d -> target.fold(d.token(), d.hash()))
                .then(Mono.fromRunnable(() -> {
                    tree = target;
                    building = null;
                    lastRebuildMillis = scheduler.now(TimeUnit.MILLISECONDS);
                }));
    }

    private void onChange(Change c) {
        long delta = (c.oldVersion() == null ? 0 : EntryHash.of(c.key(), c.oldVersion()))
                ^ (c.newVersion() == null ? 0 : EntryHash.of(c.key(), c.newVersion()));
        if (delta == 0) {
            return;
        }
        long token = Tokens.of(c.key());
        BucketTree t = tree;
        BucketTree b = building;
        if (t != null) {
            t.fold(token, delta);
        }
        if (b != null && b != t) {
            b.fold(token, delta);
        }
        changes.incrementAndGet();
    }

    /**
     * Rescans the store into a fresh tree, then swaps it in. At most one rebuild runs at a time and
     * rebuilds are at least {@link RepairConfig#minRebuildInterval()} apart.
     *
     * @return true when a rebuild ran, false when it was refused by the rate limit
     */
    public Mono<Boolean> rebuild() {
        return Mono.defer(() -> {
            long now = scheduler.now(TimeUnit.MILLISECONDS);
            if (lastRebuildMillis != Long.MIN_VALUE && now - lastRebuildMillis < minRebuildInterval.toMillis()) {
                return Mono.just(false);
            }
            if (!rebuilding.compareAndSet(false, true)) {
                return Mono.just(false);
            }
            BucketTree next = new BucketTree(depth);
            building = next;
            return fill(next).thenReturn(true).doFinally(s -> {
                building = null;
                rebuilding.set(false);
            });
        });
    }

    /** @return bucket bits of the tree */
    public int depth() {
        return depth;
    }

    /** @return bytes the tree holds: 2^(depth+1) x 8 */
    public long memoryBytes() {
        return tree().memoryBytes();
    }

    /** @return changes folded in since start */
    public long changesApplied() {
        return changes.get();
    }

    /**
     * The root hash of a range's tree: the XOR of the hashes of every entry in the range, 0 when
     * the range is empty. Equal on two replicas exactly when they hold the same writes (up to a
     * 2^-64 chance).
     *
     * @param range a token range
     * @return its hash
     */
    public Mono<Long> rangeHash(TokenRange range) {
        return Mono.defer(() -> {
            BucketTree t = tree();
            RangeLayout layout = RangeLayout.of(range, depth);
            Mono<Long> first = layout.firstPartial() ? scanHash(layout.piece(0)) : Mono.just(0L);
            Mono<Long> last = layout.lastPartial() ? scanHash(layout.piece(layout.pieces() - 1)) : Mono.just(0L);
            return first.zipWith(last, (a, b) -> layout.hash(t, 0, layout.pieces(), a, b));
        });
    }

    private Mono<Long> scanHash(TokenRange piece) {
        return store.scan(piece).reduce(0L, (h, d) -> h ^ d.hash());
    }

    /** @return the current tree, for sessions */
    BucketTree tree() {
        BucketTree t = tree;
        if (t == null) {
            throw new IllegalStateException("the index is not built yet");
        }
        return t;
    }

    /** Stops following the store's changes. */
    @Override
    public void close() {
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
    }
}
