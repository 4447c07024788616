package io.grapevine.kv.internal;

import io.grapevine.repair.Change;
import io.grapevine.repair.ChangeFeed;
import io.grapevine.repair.Entry;
import io.grapevine.repair.EntryDigest;
import io.grapevine.repair.RepairStore;
import io.grapevine.ring.TokenRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One node's replica data: an H2 MVStore map from token-prefixed key to versioned value
 * ({@link StoredValue}), in memory or in a file. Last write wins on the encoded {@link Version};
 * deletes are tombstones, removed by {@link #purgeTombstones} once older than the grace period.
 *
 * <p>Durability (file mode): {@link #write} completes only after the change is committed to the
 * file ({@link GroupCommit}), so an acknowledged write survives the process being killed (it is in
 * the operating system's page cache); with {@code fsync} it also survives a power cut. Changes
 * made by repair are committed the same way.
 *
 * <p>Concurrency: merges are compare-and-set loops on the map, so concurrent writers and repair
 * sessions never lose a newer version. Every change is reported on {@link #changes()} after it is
 * visible, which keeps the Merkle trees current. In file mode, map access runs on a bounded
 * I/O scheduler since a cache miss reads the file; in memory it runs on the caller's thread.
 */
public final class LocalStore implements RepairStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStore.class);
    private static final String MAP = "kv";
    /** File name inside the data directory. */
    public static final String FILE_NAME = "grapevine-kv.mv.db";

    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final Path file;
    private final HybridClock clock;
    private final long tombstoneGraceMillis;
    private final Scheduler io;
    private final Scheduler commitThread;
    private final GroupCommit commits;
    private final ChangeFeed changes = new ChangeFeed();
    private final ConcurrentSkipListSet<Tombstone> tombstoneIndex = new ConcurrentSkipListSet<>();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();

    private LocalStore(MVStore store, Path file, boolean fsync, HybridClock clock, long tombstoneGraceMillis) {
        this.store = store;
        this.file = file;
        this.clock = clock;
        this.tombstoneGraceMillis = tombstoneGraceMillis;
        this.map = store.openMap(MAP, new MVMap.Builder<byte[], byte[]>()
            .keyType(UnsignedBytesType.INSTANCE).valueType(UnsignedBytesType.INSTANCE));
        if (file != null) {
            this.io = Schedulers.newBoundedElastic(8, 100_000, "kv-store-io", 60, true);
            this.commitThread = Schedulers.newSingle("kv-store-commit", true);
            this.commits = new GroupCommit(store, fsync, commitThread);
        } else {
            this.io = Schedulers.immediate();
            this.commitThread = null;
            this.commits = null;
        }
    }

    /**
     * Opens (or creates) a store and scans it once: key counts, the tombstone index, and the
     * clock moved past every stored version.
     *
     * @param dataDir              the directory to keep the file in, or null for memory only
     * @param fsync                whether every commit is also forced to the disk
     * @param clock                the node's clock
     * @param tombstoneGraceMillis how long a tombstone is kept before it may be purged
     * @return the open store
     * @throws IllegalStateException when the directory cannot be used (for example another
     *                               process holds the file)
     */
    public static LocalStore open(Path dataDir, boolean fsync, HybridClock clock, long tombstoneGraceMillis) {
        MVStore.Builder builder = new MVStore.Builder();
        Path file = null;
        if (dataDir != null) {
            try {
                Files.createDirectories(dataDir);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
            }
            file = dataDir.resolve(FILE_NAME).toAbsolutePath();
            builder.fileName(file.toString());
        }
        MVStore mv;
        try {
            mv = builder.open();
        } catch (MVStoreException e) {
            throw new IllegalStateException("cannot open " + file + " (is another node using this data directory?): "
                + e.getMessage(), e);
        }
        LocalStore s = new LocalStore(mv, file, fsync, clock, tombstoneGraceMillis);
        s.load();
        return s;
    }

    private void load() {
        long maxTimestamp = 0;
        Cursor<byte[], byte[]> c = map.cursor(null);
        while (c.hasNext()) {
            byte[] k = c.next();
            byte[] v = c.getValue();
            maxTimestamp = Math.max(maxTimestamp, timestamp(StoredValue.version(v)));
            if (StoredValue.isTombstone(v)) {
                tombstones.incrementAndGet();
                tombstoneIndex.add(new Tombstone(millis(StoredValue.version(v)), k));
            } else {
                live.incrementAndGet();
            }
        }
        clock.observe(maxTimestamp);
        if (file != null) {
            LOG.info("opened {}: {} keys, {} tombstones", file, live.get(), tombstones.get());
        }
    }

    /** @return the file, or null in memory */
    public Path file() {
        return file;
    }

    /** @return keys holding a value (tombstones not counted) */
    public long liveKeys() {
        return live.get();
    }

    /** @return tombstones held */
    public long tombstones() {
        return tombstones.get();
    }

    /** @return tombstones purged since start */
    public long purgedTombstones() {
        return purged.get();
    }

    /**
     * @param key a key
     * @return the stored entry (a tombstone has a null value), or empty
     */
    public Mono<Entry> get(byte[] key) {
        return onIo(() -> {
            byte[] v = map.get(StoredValue.mapKey(key));
            return v == null ? null : StoredValue.entry(key, v);
        });
    }

    /**
     * Merges a write under last-write-wins and makes it durable.
     *
     * @param entry the write (a null value is a delete)
     * @return whether it changed the store (false when the stored version is as new or newer);
     *         completes once the store holds the entry or a newer one, durably in file mode
     */
    public Mono<Boolean> write(Entry entry) {
        Mono<Boolean> merged = onIo(() -> merge(entry));
        return commits == null ? merged : merged.flatMap(won -> commits.durable().thenReturn(won));
    }

    @Override
    public Flux<EntryDigest> scan(TokenRange range) {
        Flux<EntryDigest> digests = Flux.defer(() -> Flux.fromIterable(slices(range)))
            .concatMap(slice -> Flux.fromIterable(slice::iterator))
            .map(kv -> new EntryDigest(StoredValue.userKey(kv[0]), StoredValue.version(kv[1])));
        return file == null ? digests : digests.subscribeOn(io);
    }

    @Override
    public Mono<List<Entry>> fetch(List<byte[]> keys) {
        return onIo(() -> {
            List<Entry> out = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                byte[] v = map.get(StoredValue.mapKey(key));
                if (v != null) {
                    out.add(StoredValue.entry(key, v));
                }
            }
            return out;
        });
    }

    @Override
    public Mono<Void> apply(List<Entry> entries) {
        Mono<Void> merged = onIo(() -> {
            entries.forEach(this::merge);
            return Boolean.TRUE;
        }).then();
        return commits == null ? merged : merged.then(commits.durable());
    }

    @Override
    public Flux<Change> changes() {
        return changes.flux();
    }

    @Override
    public boolean wants(byte[] key, byte[] localVersion, byte[] remoteVersion) {
        return localVersion == null || Version.compareEncoded(remoteVersion, localVersion) > 0;
    }

    /**
     * Removes tombstones whose delete is older than the grace period. A tombstone replaced by a
     * newer write in the meantime is left alone.
     *
     * @return how many were removed
     */
    public Mono<Long> purgeTombstones() {
        return onIo(() -> {
            long cutoff = clock.wallMillis() - tombstoneGraceMillis;
            long removed = 0;
            Iterator<Tombstone> it = tombstoneIndex.iterator();
            while (it.hasNext()) {
                Tombstone t = it.next();
                if (t.millis >= cutoff) {
                    break;
                }
                it.remove();
                byte[] v = map.get(t.mapKey);
                if (v != null && StoredValue.isTombstone(v) && millis(StoredValue.version(v)) < cutoff
                    && map.remove(t.mapKey, v)) {
                    tombstones.decrementAndGet();
                    removed++;
                    changes.emit(new Change(StoredValue.userKey(t.mapKey), StoredValue.version(v), null));
                }
            }
            purged.addAndGet(removed);
            return removed;
        }).flatMap(n -> commits == null || n == 0 ? Mono.just(n) : commits.durable().thenReturn(n));
    }

    /** Commits and closes the file (or drops the memory). */
    @Override
    public void close() {
        if (store.isClosed()) {
            return;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the store failed: {}", e.toString());
        }
        if (commitThread != null) {
            commitThread.dispose();
            io.dispose();
        }
    }

    /** Merges one entry; runs on the caller's thread. */
    private boolean merge(Entry e) {
        byte[] version = e.version();
        clock.observe(timestamp(version));
        boolean tombstone = e.value() == null;
        if (tombstone && millis(version) < clock.wallMillis() - tombstoneGraceMillis) {
            // An expired delete: apply it only over an older value, never store it fresh.
            return mergeExpiredTombstone(e);
        }
        byte[] k = StoredValue.mapKey(e.key());
        byte[] next = StoredValue.encode(e.value(), version);
        while (true) {
            byte[] current = map.get(k);
            if (current == null) {
                if (map.putIfAbsent(k, next) == null) {
                    changed(k, null, next);
                    return true;
                }
            } else {
                if (StoredValue.compareVersion(current, version) >= 0) {
                    return false;
                }
                if (map.replace(k, current, next)) {
                    changed(k, current, next);
                    return true;
                }
            }
        }
    }

    private boolean mergeExpiredTombstone(Entry e) {
        byte[] k = StoredValue.mapKey(e.key());
        while (true) {
            byte[] current = map.get(k);
            if (current == null || StoredValue.compareVersion(current, e.version()) >= 0) {
                return false;
            }
            if (map.remove(k, current)) {
                changed(k, current, null);
                return true;
            }
        }
    }

    private void changed(byte[] mapKey, byte[] before, byte[] after) {
        if (before != null) {
            (StoredValue.isTombstone(before) ? tombstones : live).decrementAndGet();
        }
        if (after != null) {
            if (StoredValue.isTombstone(after)) {
                tombstones.incrementAndGet();
                tombstoneIndex.add(new Tombstone(millis(StoredValue.version(after)), mapKey));
            } else {
                live.incrementAndGet();
            }
        }
        changes.emit(new Change(StoredValue.userKey(mapKey), before == null ? null : StoredValue.version(before),
            after == null ? null : StoredValue.version(after)));
    }


    private <T> Mono<T> onIo(java.util.concurrent.Callable<T> work) {
        Mono<T> m = Mono.fromCallable(work);
        return file == null ? m : m.subscribeOn(io);
    }

    /** The map slices of a range, in token order: one, or two when the range wraps. */
    private List<Slice> slices(TokenRange range) {
        long start = range.start();
        long end = range.end();
        if (start < end) {
            return List.of(new Slice(StoredValue.after(start), StoredValue.after(end)));
        }
        List<Slice> out = new ArrayList<>(2);
        byte[] from = StoredValue.after(start);
        if (from != null) {
            out.add(new Slice(from, null));
        }
        byte[] to = StoredValue.after(end);
        out.add(new Slice(null, to));
        return out;
    }

    private static long timestamp(byte[] version) {
        try {
            return Version.decode(version).timestamp();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static long millis(byte[] version) {
        return HybridClock.physicalMillis(timestamp(version));
    }

    /** Keys from {@code from} (inclusive; null: first) to before {@code to} (null: last). */
    private final class Slice {
        private final byte[] from;
        private final byte[] to;

        Slice(byte[] from, byte[] to) {
            this.from = from;
            this.to = to;
        }

        Iterator<byte[][]> iterator() {
            // Bounds are 8-byte token prefixes that no real map key equals, so "to" inclusive or
            // exclusive makes no difference.
            Cursor<byte[], byte[]> c = map.cursor(from, to, false);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return c.hasNext();
                }

                @Override
                public byte[][] next() {
                    if (!c.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    byte[] k = c.next();
                    return new byte[][] {k, c.getValue()};
                }
            };
        }
    }

    /** A tombstone in the purge index: its delete time and map key. */
    private record Tombstone(long millis, byte[] mapKey) implements Comparable<Tombstone> {
        @Override
        public int compareTo(Tombstone o) {
            int c = Long.compare(millis, o.millis);
            return c != 0 ? c : Arrays.compareUnsigned(mapKey, o.mapKey);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tombstone t && compareTo(t) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(millis) * 31 + Arrays.hashCode(mapKey);
        }
    }
}
