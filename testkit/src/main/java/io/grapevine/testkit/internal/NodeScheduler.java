package io.grapevine.testkit.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One simulated node's view of the cluster's shared clock ({@link EventQueue} over the
 * {@link VirtualTimeScheduler}): the same clock, plus the two things a single shared scheduler
 * cannot do per node.
 * <ul>
 *   <li>Pause: while paused, work that comes due (timers, and deliveries routed through
 *       {@link #deliver(Runnable)}) is held and runs, in the order it came due, on resume, as in a
 *       stop-the-world JVM pause. A periodic task that missed several runs runs once, like a Go
 *       ticker that drops ticks.</li>
 *   <li>Kill: a crashed node's work never runs again, without telling anyone.</li>
 * </ul>
 * Cancelling a task only marks it: removal from the queue would cost more than the no-op the
 * cancelled entry runs as when it comes due.
 * Single-threaded, like the virtual-time scheduler it wraps.
 */
public final class NodeScheduler implements Scheduler {
    private final EventQueue queue;
    private final Consumer<Throwable> onError;
    private final int maxHeldDeliveries;
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    private final Worker direct;
    private int heldDeliveries;
    private boolean paused;
    private boolean killed;

    /**
     * A node on its own queue over the clock (for a single node).
     *
     * @param time              the cluster's clock
     * @param onError           receives what a task throws (the simulation goes on, as a real
     *                          scheduler would report and continue)
     * @param maxHeldDeliveries deliveries kept while paused, like a socket buffer; more are dropped
     */
    public NodeScheduler(VirtualTimeScheduler time, Consumer<Throwable> onError, int maxHeldDeliveries) {
        this(new EventQueue(time, onError), onError, maxHeldDeliveries);
    }

    /**
     * @param queue             the cluster's timer queue, shared by all its nodes
     * @param onError           receives what a task throws (the simulation goes on, as a real
     *                          scheduler would report and continue)
     * @param maxHeldDeliveries deliveries kept while paused, like a socket buffer; more are dropped
     */
    public NodeScheduler(EventQueue queue, Consumer<Throwable> onError, int maxHeldDeliveries) {
        this.queue = queue;
        this.onError = onError;
        this.maxHeldDeliveries = maxHeldDeliveries;
        this.direct = new NodeWorker();
    }

    @Override
    public long now(TimeUnit unit) {
        return unit.convert(queue.now(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Worker createWorker() {
        return new NodeWorker();
    }

    @Override
    public Disposable schedule(Runnable task) {
        return direct.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return direct.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return direct.schedulePeriodically(task, initialDelay, period, unit);
    }

    /** Kills the node: nothing it scheduled runs any more. */
    @Override
    public void dispose() {
        kill();
    }

    @Override
    public boolean isDisposed() {
        return killed;
    }

    /** Stops running this node's work until {@link #resume()}. */
    public void pause() {
        if (!killed) {
            paused = true;
        }
    }

    /** Runs the held work in the order it came due, then goes on normally. */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        heldDeliveries = 0;
        while (!held.isEmpty() && !paused && !killed) {
            run(held.poll());
        }
    }

    /** Nothing this node scheduled or was sent runs any more. */
    public void kill() {
        killed = true;
        paused = false;
        held.clear();
    }

    /** @return whether the node is paused */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Runs something that arrives at the node from outside (a datagram, a stream): now, or on
     * resume when paused.
     *
     * @param delivery what to run
     * @return false when it was dropped (killed, or the pause buffer is full)
     */
    public boolean deliver(Runnable delivery) {
        if (killed) {
            return false;
        }
        if (paused) {
            if (heldDeliveries >= maxHeldDeliveries) {
                return false;
            }
            heldDeliveries++;
            held.add(delivery);
            return true;
        }
        run(delivery);
        return true;
    }

    private void run(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            onError.accept(e);
        }
    }

    /** A serial worker of this node; disposing it cancels what it scheduled. */
    private final class NodeWorker implements Worker {
        private boolean disposed;

        @Override
        public Disposable schedule(Runnable task) {
            Task t = new Task(this, task);
            queue.schedule(t, 0);
            return t;
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            Task t = new Task(this, task);
            queue.schedule(t, unit.toNanos(delay));
            return t;
        }

        @Override
        public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
            long periodNanos = unit.toNanos(period);
            if (periodNanos <= 0) {
                throw new IllegalArgumentException("period must be positive: " + period + " " + unit);
            }
            long first = Math.max(0, unit.toNanos(initialDelay));
            Periodic p = new Periodic(this, task, queue.now() + first, periodNanos);
            queue.schedule(p, first);
            return p;
        }

        @Override
        public void dispose() {
            disposed = true;
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }

    /** A scheduled task that can be cancelled in O(1) and held while the node is paused. */
    private class Task implements Runnable, Disposable {
        final NodeWorker worker;
        final Runnable action;
        boolean cancelled;

        Task(NodeWorker worker, Runnable action) {
            this.worker = worker;
            this.action = action;
        }

        @Override
        public void run() {
            if (cancelled || worker.disposed || killed) {
                return;
            }
            if (paused) {
                held.add(this);
                return;
            }
            once();
        }

        void once() {
            cancelled = true;
            NodeScheduler.this.run(action);
        }

        @Override
        public void dispose() {
            cancelled = true;
        }

        @Override
        public boolean isDisposed() {
            return cancelled;
        }
    }

    /** Fixed-rate repetition on the grid {@code start + k x period}; missed runs collapse into one. */
    private final class Periodic extends Task {
        final long start;
        final long period;

        Periodic(NodeWorker worker, Runnable action, long start, long period) {
            super(worker, action);
            this.start = start;
            this.period = period;
        }

        @Override
        void once() {
            NodeScheduler.this.run(action);
            if (cancelled || worker.disposed || killed) {
                return;
            }
            long now = queue.now();
            long k = (now - start) / period + 1;
            queue.schedule(this, start + k * period - now);
        }
    }
}
