package io.grapevine.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A cluster member running as its own process on loopback, a serf agent or a Grapevine node:
 * a name, a gossip address, a log file, a graceful exit to wait for and SIGKILL.
 */
abstract class MemberProcess implements ClusterObserver, AutoCloseable {
    private final String name;
    private final int port;
    final Path log;
    final Process process;

    MemberProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    @Override
    public final String name() {
        return name;
    }

    /** @return the gossip address (UDP and TCP) */
    final InetSocketAddress address() {
        return Ports.loopback(port);
    }

    /**
     * @param seconds how long to wait
     * @param after   what should have made it exit, for the error
     * @throws IOException when it is still running after that
     */
    final void awaitExit(long seconds, String after) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IOException(name + " still running " + seconds + " s after " + after);
        }
    }

    /** Kills the process with SIGKILL (no leave, no goodbye); returns once it is gone. */
    final void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public final void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + " (" + getClass().getSimpleName() + ", " + Ports.hostPort(address()) + ")";
    }
}
