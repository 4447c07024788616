package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real node process ({@code java -cp <test class path> io.grapevine.kv.Main node ...}), its
 * output in a log file. Started on ports 0; a restart reuses the ports it got, so the node comes
 * back where the cluster knows it.
 */
final class NodeProcess {
    private static final Pattern READY = Pattern.compile(
        "READY name=(\\S+) http=(\\S+) gossip=(\\S+) repair=(\\S+) storage=(\\S+)");

    final String name;
    final Path log;
    private final List<String> options;
    private Process process;
    private String http;
    private String gossip;
    private String repair;
    private int starts;

    private NodeProcess(String name, Path log, List<String> options) {
        this.name = name;
        this.log = log;
        this.options = options;
    }

    /**
     * @param name    node name
     * @param logDir  where its log goes
     * @param options node options besides name and addresses
     */
    static NodeProcess start(String name, Path logDir, List<String> options) throws IOException {
        NodeProcess p = new NodeProcess(name, logDir.resolve(name + ".log"), options);
        p.launch("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0");
        return p;
    }

    private void launch(String gossipAt, String httpAt, String repairAt) throws IOException {
        starts++;
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-cp", cp, "io.grapevine.kv.Main", "node", "--name", name,
            "--gossip", gossipAt, "--http", httpAt, "--repair", repairAt));
        cmd.addAll(options);
        Files.writeString(log, "=== start " + starts + ": " + String.join(" ", cmd.subList(cmd.indexOf("node"), cmd.size()))
            + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits for this start's READY line and records the addresses. */
    NodeProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            String current = text.substring(text.lastIndexOf("=== start " + starts + ":"));
            Matcher m = READY.matcher(current);
            if (m.find()) {
                http = m.group(2);
                gossip = m.group(3);
                repair = m.group(4);
                return this;
            }
            assertThat(process.isAlive()).as("%s exited early; log:%n%s", name, tail()).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError(name + " not ready within " + timeout + "; log:\n" + tail());
    }

    String http() {
        return http;
    }

    String gossip() {
        return gossip;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM: the node closes its store and stops. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the process again on the same ports (and the same data directory, if it has one). */
    NodeProcess restart() throws IOException {
        assertThat(process.isAlive()).isFalse();
        launch(gossip, http.substring("http://".length()), repair);
        return this;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
