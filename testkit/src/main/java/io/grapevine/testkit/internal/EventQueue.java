package io.grapevine.testkit.internal;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The simulated cluster's own timer queue, on top of its {@link VirtualTimeScheduler}: every
 * node's timers and every message on the simulated wire wait here, in a binary heap of
 * primitive keys (due time, then order of scheduling), and the virtual-time scheduler holds only
 * one entry, for the earliest of them. The virtual-time scheduler's own queue is a locked
 * priority queue of allocated entries, compared through their objects; with every node's
 * timers and messages in it, polling it was a large part of a large simulation's time.
 *
 * <p>Entries due at the same virtual instant run in the order they were scheduled, as on the
 * virtual-time scheduler; work scheduled for "now" while the queue runs runs in the same pass.
 * Single-threaded, like the virtual-time scheduler it rides on.
 */
public final class EventQueue {
    private static final long NONE = Long.MAX_VALUE;

    private final VirtualTimeScheduler time;
    private final Scheduler.Worker pumps;
    private final Consumer<Throwable> onError;
    private long[] due = new long[256];
    private long[] order = new long[256];
    private int[] slotOf = new int[256];
    private int size;
    private Runnable[] tasks = new Runnable[256];
    private int[] free = new int[256];
    private int freeCount;
    private int used;
    private long nextOrder;
    /** The earliest time a pump is scheduled for on the virtual-time scheduler. */
    private long pumpAt = NONE;
    private boolean pumping;

    /**
     * @param time    the cluster's clock
     * @param onError receives what a task throws (the simulation goes on)
     */
    public EventQueue(VirtualTimeScheduler time, Consumer<Throwable> onError) {
        this.time = time;
        this.pumps = time.createWorker();
        this.onError = onError;
    }

    /** @return virtual time in nanoseconds */
    public long now() {
        return time.now(TimeUnit.NANOSECONDS);
    }

    /**
     * @param task       what to run
     * @param delayNanos how long from now (negative reads as zero)
     */
    public void schedule(Runnable task, long delayNanos) {
        long now = now();
        long at = now + Math.max(0, delayNanos);
        push(at, task);
        if (!pumping && at < pumpAt) {
            pumpAt = at;
            pumps.schedule(this::pump, at - now, TimeUnit.NANOSECONDS);
        }
    }

    /** @return entries waiting (cancelled ones included until they come due) */
    public int size() {
        return size;
    }

    private void pump() {
        long now = now();
        if (pumpAt <= now) {
            pumpAt = NONE;
        }
        pumping = true;
        try {
            while (size > 0 && due[0] <= now) {
                Runnable task = pop();
                try {
                    task.run();
                } catch (Throwable e) {
                    onError.accept(e);
                }
            }
        } finally {
            pumping = false;
        }
        if (size > 0 && due[0] < pumpAt) {
            pumpAt = due[0];
            pumps.schedule(this::pump, pumpAt - now, TimeUnit.NANOSECONDS);
        }
    }

    private void push(long at, Runnable task) {
        if (size == due.length) {
            int capacity = size * 2;
            due = Arrays.copyOf(due, capacity);
            order = Arrays.copyOf(order, capacity);
            slotOf = Arrays.copyOf(slotOf, capacity);
        }
        int slot = store(task);
        long seq = nextOrder++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(at, seq, due[parent], order[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, at, seq, slot);
    }

    private Runnable pop() {
        Runnable top = release(slotOf[0]);
        int last = --size;
        long at = due[last];
        long seq = order[last];
        int slot = slotOf[last];
        if (last > 0) {
            int i = 0;
            int half = last >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < last && before(due[right], order[right], due[child], order[child])) {
                    child = right;
                }
                if (!before(due[child], order[child], at, seq)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, at, seq, slot);
        }
        return top;
    }

    /** Tasks stay in one place while the heap of primitive keys moves around them. */
    private int store(Runnable task) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == tasks.length) {
                tasks = Arrays.copyOf(tasks, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            slot = used++;
        }
        tasks[slot] = task;
        return slot;
    }

    private Runnable release(int slot) {
        Runnable task = tasks[slot];
        tasks[slot] = null;
        free[freeCount++] = slot;
        return task;
    }

    private static boolean before(long at, long seq, long otherAt, long otherSeq) {
        return at < otherAt || (at == otherAt && seq < otherSeq);
    }

    private void move(int from, int to) {
        due[to] = due[from];
        order[to] = order[from];
        slotOf[to] = slotOf[from];
    }

    private void set(int i, long at, long seq, int slot) {
        due[i] = at;
        order[i] = seq;
        slotOf[i] = slot;
    }
}
