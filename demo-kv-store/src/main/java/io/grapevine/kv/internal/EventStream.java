package io.grapevine.kv.internal;

import io.grapevine.kv.internal.DashboardEvents.Event;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * One server-sent-events stream to one browser: the SSE framing, and the bounds that keep a slow
 * or stuck browser from slowing the node or growing its memory.
 *
 * <p>The stream starts with a {@code retry:} hint and a full {@code snapshot} event (built after
 * the live sources are subscribed, so no change falls between the two), then passes incremental
 * events on, each with an {@code id:} taken from a node-wide counter. Between the sources and the
 * socket sits one bounded queue: {@code stats} events and heartbeat comments are coalesced (at most
 * one of each waits; a newer stats body replaces the waiting one), other events queue up to
 * {@code maxQueuedEvents}. The stream drops its client (closes the connection; the browser
 * reconnects and gets a fresh snapshot) when that queue overflows, when the socket's outbound
 * backlog passes {@code maxBacklogBytes}, or when the socket stays unwritable for
 * {@code stallTimeout}. Nothing here blocks: sources only ever enqueue.
 */
public final class EventStream {
    /** How long a browser waits before reconnecting, sent as the {@code retry:} hint. */
    public static final Duration RETRY = Duration.ofSeconds(2);
    /** The heartbeat comment line. */
    public static final String HEARTBEAT = ": heartbeat\n\n";

    private static final Object STATS_WAITING = new Object();
    private static final Object HEARTBEAT_WAITING = new Object();
    private static final Object CHECK = new Object();

    private final Supplier<Event> snapshot;
    private final Flux<Event> events;
    private final Flux<Event> stats;
    private final Outlet outlet;
    private final DashboardSettings settings;
    private final Scheduler timer;
    private final LongSupplier ids;
    private final Consumer<String> onDrop;
    private final AtomicReference<Event> latestStats = new AtomicReference<>();
    private final AtomicBoolean statsQueued = new AtomicBoolean();
    private final AtomicBoolean heartbeatQueued = new AtomicBoolean();
    private final AtomicReference<String> dropped = new AtomicReference<>();
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private volatile long unwritableSince = -1;

    /** The socket a stream writes to, as far as the stream needs to know it. */
    public interface Outlet {
        /** @return whether the socket accepts more data without growing its outbound buffer past the high mark */
        boolean writable();

        /** @return bytes written to the socket and not yet handed to the kernel */
        long backlogBytes();

        /** Closes the connection (the client will reconnect). */
        void close();
    }

    /**
     * @param snapshot builds the first event (called once, after the sources are subscribed)
     * @param events   incremental events, hot (shared by every stream)
     * @param stats    stats events, hot; coalesced per stream
     * @param outlet   the socket
     * @param settings bounds and intervals
     * @param timer    heartbeat and check timer
     * @param ids      node-wide event ids
     * @param onDrop   told why, when the stream drops its client
     */
    public EventStream(Supplier<Event> snapshot, Flux<Event> events, Flux<Event> stats, Outlet outlet,
                       DashboardSettings settings, Scheduler timer, LongSupplier ids, Consumer<String> onDrop) {
        this.snapshot = snapshot;
        this.events = events;
        this.stats = stats;
        this.outlet = outlet;
        this.settings = settings;
        this.timer = timer;
        this.ids = ids;
        this.onDrop = onDrop;
    }

    /**
     * @return the text to send, frame by frame; subscribe once. Cancelling it (the connection
     *         closed) releases every subscription of the stream.
     */
    public Flux<String> frames() {
        return Flux.defer(() -> {
            Sinks.Many<Object> queue = Sinks.many().unicast()
                .onBackpressureBuffer(Queues.get(settings.maxQueuedEvents()).get());
            // Every input copes with a moment without demand (the merge drains on whichever thread
            // emits): events error past the bound (dropping the client), the rest keep the latest.
            Flux<Object> inputs = Flux.merge(
                events.onBackpressureBuffer(settings.maxQueuedEvents(), BufferOverflowStrategy.ERROR),
                stats.doOnNext(latestStats::set).onBackpressureLatest().map(e -> STATS_WAITING),
                Flux.interval(settings.heartbeat(), settings.heartbeat(), timer).onBackpressureDrop()
                    .map(t -> HEARTBEAT_WAITING),
                Flux.interval(settings.checkEvery(), settings.checkEvery(), timer).onBackpressureDrop()
                    .map(t -> CHECK));
            Disposable subscription = inputs.subscribe(item -> accept(item, queue),
                e -> drop("source failed: " + e));
            Event first = snapshot.get();
            String opening = "retry: " + RETRY.toMillis() + "\n" + frame(ids.getAsLong(), first.type(), first.json());
            // A dropped client gets no more of what waits in the queue: the error goes out at once.
            return Flux.concat(Mono.just(opening), queue.asFlux().map(this::render))
                .takeUntilOther(stop.asMono())
                .concatWith(Mono.defer(() -> dropped.get() == null ? Mono.empty()
                    : Mono.error(new DroppedException(dropped.get()))))
                .doFinally(signal -> subscription.dispose());
        });
    }

    /** Runs serialized (the inputs are merged): only ever enqueues. */
    private void accept(Object item, Sinks.Many<Object> queue) {
        if (item == CHECK) {
            check();
            return;
        }
        if (item == STATS_WAITING && statsQueued.getAndSet(true)) {
            return; // one is waiting already; it will carry the latest body
        }
        if (item == HEARTBEAT_WAITING && heartbeatQueued.getAndSet(true)) {
            return;
        }
        Sinks.EmitResult r = queue.tryEmitNext(item);
        if (r == Sinks.EmitResult.FAIL_OVERFLOW) {
            drop("more than " + settings.maxQueuedEvents() + " events waiting");
        }
    }

    private void check() {
        if (outlet.backlogBytes() > settings.maxBacklogBytes()) {
            drop("more than " + settings.maxBacklogBytes() + " bytes waiting");
            return;
        }
        long now = timer.now(TimeUnit.MILLISECONDS);
        if (outlet.writable()) {
            unwritableSince = -1;
        } else if (unwritableSince < 0) {
            unwritableSince = now;
        } else if (now - unwritableSince >= settings.stallTimeout().toMillis()) {
            drop("socket unwritable for " + settings.stallTimeout().toMillis() + " ms");
        }
    }

    private void drop(String why) {
        if (dropped.compareAndSet(null, why)) {
            onDrop.accept(why);
            stop.tryEmitEmpty();
            outlet.close();
        }
    }

    private String render(Object item) {
        if (item == STATS_WAITING) {
            statsQueued.set(false); // before reading: a newer body arriving now queues another
            Event e = latestStats.get();
            return frame(ids.getAsLong(), e.type(), e.json());
        }
        if (item == HEARTBEAT_WAITING) {
            heartbeatQueued.set(false);
            return HEARTBEAT;
        }
        Event e = (Event) item;
        return frame(ids.getAsLong(), e.type(), e.json());
    }

    /**
     * @param id   the event id
     * @param type the event name
     * @param data the body; each line becomes a {@code data:} line
     * @return one SSE event, ending with the blank line that dispatches it
     */
    public static String frame(long id, String type, String data) {
        StringBuilder b = new StringBuilder(data.length() + type.length() + 40);
        b.append("id: ").append(id).append('\n');
        b.append("event: ").append(type).append('\n');
        int start = 0;
        while (true) {
            int nl = nextLineBreak(data, start);
            b.append("data: ").append(data, start, nl < 0 ? data.length() : nl).append('\n');
            if (nl < 0) {
                break;
            }
            start = data.charAt(nl) == '\r' && nl + 1 < data.length() && data.charAt(nl + 1) == '\n' ? nl + 2 : nl + 1;
        }
        return b.append('\n').toString();
    }

    private static int nextLineBreak(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** The stream ended because its client fell behind. */
    public static final class DroppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param why what the client failed to keep up with */
        public DroppedException(String why) {
            super(why, null, false, false);
        }
    }
}
