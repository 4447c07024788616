package io.grapevine.bench.peers;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Last line of defence for cleanup: a JVM shutdown hook (Ctrl-C, an uncaught error) that
 * SIGKILLs every member process still registered and runs the registered cleanups (the
 * nftables table). The normal path closes everything itself in finally blocks.
 */
final class ChildReaper {
    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final List<Runnable> CLEANUPS = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildReaper::reapAll, "peers-reaper"));
    }

    private ChildReaper() {
    }

    static void register(Process p) {
        PROCESSES.add(p);
    }

    static void unregister(Process p) {
        PROCESSES.remove(p);
    }

    static void onExit(Runnable cleanup) {
        CLEANUPS.add(cleanup);
    }

    private static void reapAll() {
        PROCESSES.forEach(Process::destroyForcibly);
        CLEANUPS.forEach(Runnable::run);
    }
}
