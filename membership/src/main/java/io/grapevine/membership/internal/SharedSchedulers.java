package io.grapevine.membership.internal;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The default protocol scheduler, shared by every node in the JVM: each node takes one serial
 * worker of it, so a thousand nodes need a handful of threads, not a thousand.
 */
final class SharedSchedulers {
    private SharedSchedulers() {
    }

    private static final class Holder {
        static final Scheduler PROTOCOL = Schedulers.newParallel("grapevine-protocol",
                Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    }

    static Scheduler protocol() {
        return Holder.PROTOCOL;
    }
}
