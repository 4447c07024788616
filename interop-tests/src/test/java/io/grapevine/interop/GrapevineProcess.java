package io.grapevine.interop;

import io.grapevine.examples.Node;
import io.grapevine.membership.MemberState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Grapevine node in its own JVM ({@link Node}, the user-facing example program), so that it can
 * be killed with SIGKILL like any crashed process. Started with this test JVM's class path;
 * everything it prints goes to {@code <dir>/<name>.node.log} (appended across restarts).
 */
final class GrapevineProcess extends MemberProcess {
    private static final long REPLY_SECONDS = 10;

    /**
     * How to start a node process.
     *
     * @param name  the node name
     * @param port  the gossip port (UDP and TCP)
     * @param seeds addresses to join through
     * @param tags  its tags
     * @param key   base64 encryption key, or null
     */
    record Spec(String name, int port, List<InetSocketAddress> seeds, Map<String, String> tags, String key) {
        Spec {
            seeds = List.copyOf(seeds);
            tags = new TreeMap<>(tags);
        }
    }

    private final Spec spec;
    private final PrintWriter stdin;
    private final CountDownLatch started = new CountDownLatch(1);
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private GrapevineProcess(Spec spec, Path log, Process process) {
        super(spec.name(), spec.port(), log, process);
        this.spec = spec;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts the process and waits until it prints {@code STARTED} (bound and joined).
     *
     * @param spec what to start
     * @param dir  where the log goes (a log left by an earlier test run is replaced)
     * @return the running node
     * @throws IOException when it does not start or exits early (the message names its log)
     */
    static GrapevineProcess start(Spec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(spec.name() + ".node.log"));
        return launch(spec, dir);
    }

    private static GrapevineProcess launch(Spec spec, Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A small, quick-starting JVM: several run at once on a 2-core CI machine.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=logback-node.xml",
                "-cp", System.getProperty("java.class.path"), Node.class.getName(),
                "--name", spec.name(), "--bind", "127.0.0.1:" + spec.port()));
        if (!spec.seeds().isEmpty()) {
            cmd.add("--seeds");
            cmd.add(spec.seeds().stream().map(Ports::hostPort).collect(Collectors.joining(",")));
        }
        spec.tags().forEach((k, v) -> {
            cmd.add("--tag");
            cmd.add(k + "=" + v);
        });
        if (spec.key() != null) {
            cmd.add("--encrypt");
            cmd.add(spec.key());
        }
        Path log = dir.resolve(spec.name() + ".node.log");
        Process p = ChildProcesses.track(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        GrapevineProcess node = new GrapevineProcess(spec, log, p);
        Thread reader = new Thread(node::pump, "stdout-" + spec.name());
        reader.setDaemon(true);
        reader.start();
        try {
            if (!node.started.await(30, TimeUnit.SECONDS)) {
                throw new IOException("no STARTED line within 30 s");
            }
            if (!p.isAlive()) {
                throw new IOException("exited with code " + p.exitValue());
            }
        } catch (IOException | InterruptedException e) {
            node.kill();
            throw new IOException("Grapevine node " + spec.name() + " did not start: " + e.getMessage()
                    + " (log: " + log + ")", e);
        }
        return node;
    }

    /** Copies the child's output to the log and hands command replies to the waiting caller. */
    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            file.write("==== started " + spec + System.lineSeparator());
            String line;
            while ((line = out.readLine()) != null) {
                file.write(line + System.lineSeparator());
                file.flush();
                if (line.startsWith("STARTED ")) {
                    started.countDown();
                } else if (line.startsWith("VIEW ") || line.startsWith("TAGGED ")) {
                    replies.add(line);
                }
            }
            file.write("==== exited" + System.lineSeparator());
        } catch (IOException e) {
            // the process is gone or the log is unwritable: nothing more to pump
        } finally {
            started.countDown(); // an early exit must not leave start() waiting
        }
    }

    /** @return a new process with the same name, port, seeds, tags and key (this one must be gone) */
    GrapevineProcess restart() throws IOException {
        return launch(spec, log.getParent());
    }

    /** @return the specification it was started with */
    Spec spec() {
        return spec;
    }

    /** @return its {@code view}, parsed from {@code VIEW name=STATE,...} */
    @Override
    public synchronized Map<String, MemberStatus> view() throws IOException, InterruptedException {
        String line = ask("view", "VIEW ");
        Map<String, MemberStatus> view = new TreeMap<>();
        for (String entry : line.substring("VIEW ".length()).split(",")) {
            int eq = entry.lastIndexOf('=');
            if (eq > 0) {
                view.put(entry.substring(0, eq), MemberStatus.ofGrapevine(MemberState.valueOf(entry.substring(eq + 1))));
            }
        }
        return view;
    }

    /**
     * Changes the node's tags through its {@code tags} command.
     *
     * @param tags the new tags
     */
    synchronized void setTags(Map<String, String> tags) throws IOException, InterruptedException {
        ask("tags " + tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")), "TAGGED ");
    }

    private String ask(String command, String replyPrefix) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IOException(spec.name() + " is not running");
        }
        replies.clear();
        stdin.println(command);
        String reply;
        do {
            reply = replies.poll(REPLY_SECONDS, TimeUnit.SECONDS);
            if (reply == null) {
                throw new IOException(spec.name() + " did not answer '" + command + "' within " + REPLY_SECONDS + " s");
            }
        } while (!reply.startsWith(replyPrefix));
        return reply;
    }
}
