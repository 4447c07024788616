package io.grapevine.interop;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every serf agent and Grapevine node process the tests start, so that none outlives the test
 * JVM: each test kills its own in {@code @AfterAll}, and a shutdown hook kills whatever a crashed
 * or timed-out test left behind.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "interop-child-reaper"));
    }

    private ChildProcesses() {
    }

    /**
     * @param process a process just started
     * @return the same process, now tracked until it exits
     */
    static Process track(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return process;
    }
}
