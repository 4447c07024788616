package io.grapevine.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short command-line program (the serf CLI) to completion, under a deadline. */
final class Cli {
    private Cli() {
    }

    /**
     * What a finished command returned.
     *
     * @param exitCode the exit code
     * @param output   standard output and standard error, interleaved
     */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * @param timeout how long the command may take; it is killed after that
     * @param command the program and its arguments
     * @return the exit code and output
     * @throws IOException when the program cannot be started (e.g. it is not installed)
     */
    static Result run(Duration timeout, List<String> command) throws IOException {
        Process p = ChildProcesses.track(new ProcessBuilder(command).redirectErrorStream(true).start());
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read the output of " + command, e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
