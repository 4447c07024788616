package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.kv.internal.ClientCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grapevine-kv cluster --nodes 3} as a user runs it: real node processes, one log file
 * each, a readable table, "ready" once every node sees every member; the client commands work
 * against it; stopping the launcher stops every node.
 */
class ClusterCommandE2ETest {

    @TempDir
    Path dir;

    @Test
    void startsServesAndStopsARealCluster() throws Exception {
        Path out = dir.resolve("launcher.out");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-cp", cp, "io.grapevine.kv.Main", "cluster", "--nodes", "3",
            "--http-port", "0", "--gossip-port", "0", "--dir", dir.resolve("logs").toString(), "--profile", "local")
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        List<ProcessHandle> nodes = new ArrayList<>();
        try {
            String text = awaitText(out, "Ctrl-C stops every node.", launcher, Duration.ofSeconds(120));
            assertThat(text).contains("Cluster ready in").contains("every node sees 3 members alive");
            assertThat(text).contains("NODE").contains("HTTP").contains("GOSSIP").contains("LOG");
            Matcher dashboard = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+)/").matcher(text);
            assertThat(dashboard.find()).isTrue();
            List<String> urls = new ArrayList<>();
            Matcher row = Pattern.compile("n\\d\\s+\\d+\\s+(http://127\\.0\\.0\\.1:\\d+)\\s").matcher(text);
            while (row.find()) {
                urls.add(row.group(1));
            }
            assertThat(urls).hasSize(3);
            assertThat(urls.get(0)).isEqualTo(dashboard.group(1));
            for (int i = 1; i <= 3; i++) {
                assertThat(Files.readString(dir.resolve("logs").resolve("n" + i + ".log"))).contains("READY name=n" + i);
            }
            launcher.children().forEach(nodes::add);
            assertThat(nodes).hasSize(3);

            assertThat(cli("put", "greeting", "hello world", "--node", urls.get(0)).code).isZero();
            Cli get = cli("get", "greeting", "--node", urls.get(2));
            assertThat(get.code).isZero();
            assertThat(get.out).isEqualTo("hello world\n");
            Cli status = cli("status", "--node", urls.get(1));
            assertThat(status.code).isZero();
            assertThat(status.out).contains("3 of 3 members alive").contains("every live member routes with the same ring");
            assertThat(cli("delete", "greeting", "--node", urls.get(1)).code).isZero();
            Cli missing = cli("get", "greeting", "--node", urls.get(0));
            assertThat(missing.code).isEqualTo(1);
            assertThat(missing.err).contains("404").contains("not found");
            assertThat(cli("get", "x", "--node", "http://127.0.0.1:1").code).as("unreachable").isEqualTo(3);
        } finally {
            launcher.destroy(); // SIGTERM, as Ctrl-C would
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        for (ProcessHandle node : nodes) {
            node.onExit().get(30, TimeUnit.SECONDS);
            assertThat(node.isAlive()).isFalse();
        }
        assertThat(Files.readString(out)).contains("Stopped.");
    }

    private static String awaitText(Path file, String marker, Process p, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(file) ? Files.readString(file) : "";
            if (text.contains(marker)) {
                return text;
            }
            assertThat(p.isAlive()).as("launcher exited: %s", text).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + marker + "' within " + timeout + ": " + Files.readString(file));
    }

    private static Cli cli(String command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientCommands.run(command, args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Cli(int code, String out, String err) {
    }
}
