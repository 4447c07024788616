package io.grapevine.kv.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVStore;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Makes writes durable in groups: every writer that needs its change on disk waits for the next
 * commit, and one commit (one chunk written to the file, optionally one fsync) serves every writer
 * that arrived while the previous one ran. Throughput grows with concurrency instead of being
 * capped by one commit per write. Commits run on their own single thread, never on an event loop.
 */
final class GroupCommit {
    private final MVStore store;
    private final boolean fsync;
    private final Scheduler thread;
    private final ConcurrentLinkedQueue<MonoSink<Void>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    GroupCommit(MVStore store, boolean fsync, Scheduler thread) {
        this.store = store;
        this.fsync = fsync;
        this.thread = thread;
    }

    /** @return completes once every change made before the call is in the file */
    Mono<Void> durable() {
        return Mono.create(sink -> {
            waiting.add(sink);
            if (scheduled.compareAndSet(false, true)) {
                thread.schedule(this::commit);
            }
        });
    }

    private void commit() {
        scheduled.set(false); // writers arriving from now on schedule the next round
        List<MonoSink<Void>> batch = new ArrayList<>();
        for (MonoSink<Void> s; (s = waiting.poll()) != null; ) {
            batch.add(s);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.commit();
            if (fsync) {
                store.sync();
            }
        } catch (RuntimeException e) {
            batch.forEach(s -> s.error(e));
            return;
        }
        batch.forEach(MonoSink::success);
    }
}
