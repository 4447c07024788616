package io.grapevine.bench.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member process of a benchmarked cluster (a serf agent, or a JVM hosting one or more
 * members): started with its output read line by line into a {@link LineParser} and copied to
 * a log file (each line prefixed with the wall-clock time it arrived), killed for real with SIGKILL, always reaped.
 */
final class MemberProcess implements AutoCloseable {
    private static final long GRACE_MILLIS = 3_000;
    private final Process process;
    private final List<String> names;

    private MemberProcess(Process process, List<String> names) {
        this.process = process;
        this.names = names;
    }

    /**
     * @param launch what to run and which members it hosts
     * @param parser reads the output
     * @param log    where the output is copied
     */
    static MemberProcess start(Launch launch, LineParser parser, Path log) {
        Process p;
        try {
            p = new ProcessBuilder(launch.command()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + launch.command(), e);
        }
        ChildReaper.register(p);
        Thread reader = new Thread(() -> copy(p, parser, log), "read-" + launch.names().get(0));
        reader.setDaemon(true);
        reader.start();
        return new MemberProcess(p, launch.names());
    }

    private static void copy(Process p, LineParser parser, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                parser.accept(line, now);
                out.write(Instant.now() + " " + line);
                out.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            // the process ended or wrote something unparseable; its log file keeps what came
        }
    }

    List<String> names() {
        return names;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash: no goodbye reaches the others. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        ChildReaper.unregister(process);
    }

    /** Asks the process to stop (end of stdin, then SIGTERM) without waiting; see {@link #close()}. */
    void signalStop() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
    }

    /** Stops the process politely (end of stdin, then SIGTERM), and for sure (SIGKILL) after a grace period. */
    @Override
    public void close() {
        signalStop();
        try {
            if (!process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        ChildReaper.unregister(process);
    }

    /**
     * @param command the command line
     * @param names   the cluster members it hosts
     */
    record Launch(List<String> command, List<String> names) {
    }
}
