package io.grapevine.repair;

import io.grapevine.ring.TokenRange;
import io.grapevine.ring.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reference {@link RepairStore}: an in-memory map kept in token order with a last-write-wins
 * merge rule (the higher version wins; an equal version changes nothing). Versions are compared
 * with an injected order, by default unsigned lexicographic, which is the order of
 * {@link LwwVersion#encode()}. Used by the tests and benchmarks, and meant to be reused by a demo
 * store.
 */
public final class InMemoryRepairStore implements RepairStore {

    private final ConcurrentSkipListMap<Slot, Entry> entries = new ConcurrentSkipListMap<>();
    private final ChangeFeed changes = new ChangeFeed();
    private final Comparator<byte[]> versionOrder;

    /** A store whose versions compare unsigned lexicographically (as {@link LwwVersion} encodes them). */
    public InMemoryRepairStore() {
        this(Arrays::compareUnsigned);
    }

    /** @param versionOrder the order of versions; the greater version wins */
    public InMemoryRepairStore(Comparator<byte[]> versionOrder) {
        this.versionOrder = Objects.requireNonNull(versionOrder, "versionOrder");
    }

    /**
     * Writes a value under the merge rule.
     *
     * @param key     the key
     * @param value   the value ({@code null} writes a tombstone)
     * @param version the version of this write
     * @return true when the write won (it was newer than what was stored)
     */
    public boolean put(byte[] key, byte[] value, byte[] version) {
        return merge(new Entry(key, value, version));
    }

    /**
     * Writes a value under the merge rule.
     *
     * @param key     the key
     * @param value   the value ({@code null} writes a tombstone)
     * @param version the version of this write
     * @return true when the write won
     */
    public boolean put(byte[] key, byte[] value, LwwVersion version) {
        return put(key, value, version.encode());
    }

    /**
     * Deletes a key by writing a tombstone under the merge rule.
     *
     * @param key     the key
     * @param version the version of the delete
     * @return true when the delete won
     */
    public boolean delete(byte[] key, LwwVersion version) {
        return put(key, null, version.encode());
    }

    /**
     * Removes a key entirely, tombstone included (what a tombstone purge does after the grace
     * period); reported as a change with no new version.
     *
     * @param key the key
     * @return true when the key was stored
     */
    public boolean purge(byte[] key) {
        Entry old = entries.remove(new Slot(Tokens.of(key), key));
        if (old != null) {
            changes.emit(new Change(key, old.version(), null));
        }
        return old != null;
    }

    /**
     * @param key a key
     * @return the stored entry (possibly a tombstone), or {@code null}
     */
    public Entry get(byte[] key) {
        return entries.get(new Slot(Tokens.of(key), key));
    }

    /** @return the number of stored entries, tombstones included */
    public int size() {
        return entries.size();
    }

    /** @return every stored entry in token order (a copy) */
    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /**
     * @param range a token range
     * @return the stored entries of the range in token order (a copy)
     */
    public List<Entry> entries(TokenRange range) {
        List<Entry> out = new ArrayList<>();
        for (NavigableMap<Slot, Entry> part : parts(range)) {
            out.addAll(part.values());
        }
        return out;
    }

    @Override
    public Flux<EntryDigest> scan(TokenRange range) {
        return Flux.defer(() -> Flux.fromIterable(parts(range)))
                .concatMapIterable(NavigableMap::values)
                .map(Entry::digest);
    }

    @Override
    public Mono<List<Entry>> fetch(List<byte[]> keys) {
        return Mono.fromSupplier(() -> {
            List<Entry> out = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                Entry e = get(key);
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    @Override
    public Mono<Void> apply(List<Entry> batch) {
        return Mono.fromRunnable(() -> batch.forEach(this::merge));
    }

    @Override
    public Flux<Change> changes() {
        return changes.flux();
    }

    @Override
    public boolean wants(byte[] key, byte[] localVersion, byte[] remoteVersion) {
        return localVersion == null || versionOrder.compare(remoteVersion, localVersion) > 0;
    }

    private boolean merge(Entry incoming) {
        Slot slot = new Slot(Tokens.of(incoming.key()), incoming.key());
        Entry[] replaced = new Entry[1];
        boolean[] won = new boolean[1];
        // compute may run the function more than once; the last run is the one that took effect.
        entries.compute(slot, (k, current) -> {
            replaced[0] = current;
            won[0] = current == null || versionOrder.compare(incoming.version(), current.version()) > 0;
            return won[0] ? incoming : current;
        });
        if (won[0]) {
            changes.emit(new Change(incoming.key(), replaced[0] == null ? null : replaced[0].version(), incoming.version()));
        }
        return won[0];
    }


    private List<NavigableMap<Slot, Entry>> parts(TokenRange range) {
        long start = range.start();
        long end = range.end();
        if (start < end) {
            return List.of(entries.subMap(Slot.after(start), true, Slot.after(end), false));
        }
        // Wrapping (or the whole ring when start == end): tokens above start, then up to end.
        return List.of(entries.tailMap(Slot.after(start), true), entries.headMap(Slot.after(end), false));
    }

    /** A map key ordering entries by token, then by key bytes. */
    private record Slot(long token, byte[] key) implements Comparable<Slot> {
        /** A slot above every real slot of {@code token}: real keys are never empty. */
        static Slot after(long token) {
            return token == Long.MAX_VALUE ? new Slot(Long.MAX_VALUE, null) : new Slot(token + 1, new byte[0]);
        }

        @Override
        public int compareTo(Slot o) {
            int c = Long.compare(token, o.token);
            if (c != 0) {
                return c;
            }
            if (key == null || o.key == null) {
                return key == o.key ? 0 : key == null ? 1 : -1;
            }
            return Arrays.compareUnsigned(key, o.key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && compareTo(s) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(token) * 31 + Arrays.hashCode(key);
        }
    }
}
