package io.grapevine.repair;

import io.grapevine.ring.TokenRange;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a storage engine implements so that its replicas can be repaired. The repair module never
 * decides which of two versions wins: it asks the store ({@link #wants}) and lets the store merge
 * ({@link #apply}), so repair can never break the store's merge rule.
 *
 * <p>Every method must be non-blocking: it is called on network event-loop threads. A store that
 * does blocking I/O moves that work to its own scheduler (for example {@code subscribeOn}).
 *
 * <p>Thread safety: methods are called concurrently from several repair sessions and from the
 * application's own writers.
 */
public interface RepairStore {

    /**
     * The digests of every entry (tombstones included) whose key's token lies in {@code range},
     * in ascending token order ({@link io.grapevine.ring.Tokens#of}; ties in any stable order).
     * The Flux is consumed with backpressure, often partially, and may be cancelled.
     *
     * @param range a token range (start exclusive, end inclusive, wrapping when start >= end)
     * @return the digests in token order
     */
    Flux<EntryDigest> scan(TokenRange range);

    /**
     * The current entries for some keys; keys not stored are left out of the result.
     *
     * @param keys the keys, at most a few thousand per call
     * @return the entries found, in any order
     */
    Mono<List<Entry>> fetch(List<byte[]> keys);

    /**
     * Merges entries received from another replica under the store's own merge rule (an entry
     * older than what is stored is ignored). Each change that results must be reported on
     * {@link #changes()}.
     *
     * @param entries the entries
     * @return completes once the entries are applied and visible to {@link #scan}
     */
    Mono<Void> apply(List<Entry> entries);

    /**
     * Every change of a stored version, from any writer (application writes, repairs, purges),
     * emitted after the change is visible to {@link #scan}. It must not miss a change: the trees
     * are maintained from this stream alone. The subscriber requests an unbounded amount.
     *
     * @return a hot stream of changes
     */
    Flux<Change> changes();

    /**
     * The store's merge rule, asked before a value is transferred: would applying an entry with
     * {@code remoteVersion} change what this replica stores? Only entries a side wants travel, so
     * a stale replica receives the newer value and the newer replica receives nothing.
     *
     * @param key           the key
     * @param localVersion  the version stored here, or {@code null} if the key is absent
     * @param remoteVersion the version the other replica holds
     * @return true to receive the remote entry
     */
    boolean wants(byte[] key, byte[] localVersion, byte[] remoteVersion);
}
