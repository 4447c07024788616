package io.grapevine.repair;

import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The change notifications of a {@link RepairStore}, ready-made for implementations: the store
 * calls {@link #emit} after each write that changed an entry and returns {@link #flux()} from
 * {@link RepairStore#changes()}.
 *
 * <p>Changes are delivered on the writing thread, before the write's {@code Mono} completes, so
 * a {@link MerkleIndex} never lags behind the data it describes. The index requests an
 * unbounded amount and handles each change in constant time, so nothing queues; a subscriber
 * that requests less gets changes buffered until it asks for them.
 */
public final class ChangeFeed {
    private final CopyOnWriteArrayList<FluxSink<Change>> sinks = new CopyOnWriteArrayList<>();

    /** @return every change emitted after subscription, until cancelled */
    public Flux<Change> flux() {
        return Flux.create(sink -> {
            sinks.add(sink);
            sink.onDispose(() -> sinks.remove(sink));
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    /** @param change a change the store has just made */
    public void emit(Change change) {
        for (FluxSink<Change> sink : sinks) {
            sink.next(change);
        }
    }
}
