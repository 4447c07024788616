package io.grapevine.membership.internal.protocol;

import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Time and timers for the protocol, on the one serial worker that owns all protocol state.
 * Time is read from the scheduler, never from the wall clock, so a virtual-time scheduler makes
 * whole clusters deterministic.
 */
public final class ProtocolClock {
    private final Scheduler scheduler;
    private final Scheduler.Worker worker;

    /** @param scheduler the scheduler whose worker runs the protocol */
    public ProtocolClock(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.worker = scheduler.createWorker();
    }

    /** @return scheduler time in milliseconds */
    public long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    /** @param task run on the protocol worker as soon as possible
     *  @return a handle that cancels it */
    public Disposable execute(Runnable task) {
        return worker.schedule(task);
    }

    /** @param task       run on the protocol worker after the delay
     *  @param delayMillis the delay
     *  @return a handle that cancels it */
    public Disposable schedule(Runnable task, long delayMillis) {
        return worker.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }

    /** @param task         run periodically on the protocol worker
     *  @param initialMillis first delay
     *  @param periodMillis  period
     *  @return a handle that cancels it */
    public Disposable every(Runnable task, long initialMillis, long periodMillis) {
        return worker.schedulePeriodically(task, initialMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Cancels every timer and stops the worker. */
    public void dispose() {
        worker.dispose();
    }

    /** @return whether the worker was stopped */
    public boolean isDisposed() {
        return worker.isDisposed();
    }
}
