package io.grapevine.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real {@code serf agent} process on loopback, driven through the serf command line. Its debug
 * log goes to {@code <dir>/<name>.serf.log} (appended across restarts), the evidence to read when
 * an interop test fails.
 */
final class SerfAgent extends MemberProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How to start an agent.
     *
     * @param name        the node name
     * @param port        the gossip port (UDP and TCP)
     * @param join        addresses to join at start ({@code -join}); the agent exits if none answers
     * @param tags        tags ({@code -tag k=v})
     * @param encryptKey  base64 key for {@code -encrypt}, or null
     * @param keyringFile a keyring file for {@code -keyring-file} (first key primary), or null
     */
    record Spec(String name, int port, List<InetSocketAddress> join, Map<String, String> tags,
                String encryptKey, Path keyringFile) {
        Spec {
            join = List.copyOf(join);
            tags = new TreeMap<>(tags);
        }

        /**
         * @param name the node name
         * @param tags its tags
         * @return a spec on a fresh port, joining nobody, unencrypted
         */
        static Spec of(String name, Map<String, String> tags) {
            return new Spec(name, Ports.free(), List.of(), tags, null, null);
        }

        /** @return this spec, joining through the given members at start */
        Spec joining(InetSocketAddress... seeds) {
            return new Spec(name, port, List.of(seeds), tags, encryptKey, keyringFile);
        }

        /** @return this spec with {@code -encrypt=key} */
        Spec encrypted(String key) {
            return new Spec(name, port, join, tags, key, keyringFile);
        }

        /** @return this spec with {@code -keyring-file=file} (a JSON list of base64 keys, primary first) */
        Spec keyring(Path file) {
            return new Spec(name, port, join, tags, encryptKey, file);
        }
    }

    /**
     * One row of {@code serf members -format=json}.
     *
     * @param name   node name
     * @param addr   {@code ip:port}
     * @param tags   its tags
     * @param status {@code alive}, {@code leaving}, {@code left} or {@code failed}
     */
    record Row(String name, String addr, Map<String, String> tags, String status) {
    }

    private final Spec spec;
    private final int rpcPort;

    private SerfAgent(Spec spec, Path log, int rpcPort, Process process) {
        super(spec.name(), spec.port(), log, process);
        this.spec = spec;
        this.rpcPort = rpcPort;
    }

    /**
     * Starts the agent and waits until its RPC answers.
     *
     * @param spec what to start
     * @param dir  where the log goes (a log left by an earlier test run is replaced)
     * @return the running agent
     * @throws IOException when it cannot start, or exits early (the log tail is in the message)
     */
    static SerfAgent start(Spec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(spec.name() + ".serf.log"));
        return launch(spec, dir);
    }

    private static SerfAgent launch(Spec spec, Path dir) throws IOException {
        int rpc = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(SerfCondition.BINARY, "agent", "-node=" + spec.name(),
                "-bind=127.0.0.1:" + spec.port(), "-rpc-addr=127.0.0.1:" + rpc, "-log-level=debug"));
        spec.join().forEach(j -> cmd.add("-join=" + Ports.hostPort(j)));
        spec.tags().forEach((k, v) -> cmd.add("-tag=" + k + "=" + v));
        if (spec.encryptKey() != null) {
            cmd.add("-encrypt=" + spec.encryptKey());
        }
        if (spec.keyringFile() != null) {
            cmd.add("-keyring-file=" + spec.keyringFile());
        }
        Path log = dir.resolve(spec.name() + ".serf.log");
        Files.writeString(log, "==== " + String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process p = ChildProcesses.track(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        SerfAgent agent = new SerfAgent(spec, log, rpc, p);
        String problem;
        try {
            // Answers once the RPC is up, or at once when the agent exited (e.g. -join failed).
            Await.until(spec.name() + " RPC up", Duration.ofSeconds(15), () -> p.isAlive() ? agent.rows() : null,
                    up -> true);
            problem = p.isAlive() ? null : "exited with code " + p.exitValue();
        } catch (AssertionError e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            agent.kill();
            throw new IOException("serf agent " + spec.name() + " did not start: " + problem
                    + "\n--- log tail ---\n" + agent.logTail(20));
        }
        return agent;
    }

    /**
     * @return a new agent with the same name, port and options (this one must be gone), logging
     *         to the same file
     * @throws IOException when it cannot start
     */
    SerfAgent restart() throws IOException {
        return launch(spec, log.getParent());
    }

    /** @return the specification it was started with */
    Spec spec() {
        return spec;
    }

    /** @return {@code serf members -format=json}, parsed */
    List<Row> rows() throws IOException {
        Cli.Result r = serf("members", "-format=json");
        if (!r.ok()) {
            throw new IOException(spec.name() + ": serf members failed: " + r.output().trim());
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode m : JSON.readTree(r.output()).path("members")) {
            Map<String, String> tags = new TreeMap<>();
            for (Map.Entry<String, JsonNode> t : m.path("tags").properties()) {
                tags.put(t.getKey(), t.getValue().asText());
            }
            rows.add(new Row(m.path("name").asText(), m.path("addr").asText(), tags, m.path("status").asText()));
        }
        return rows;
    }

    /** @return the tags of every member, as this agent sees them */
    Map<String, Map<String, String>> tags() throws IOException {
        Map<String, Map<String, String>> tags = new TreeMap<>();
        rows().forEach(r -> tags.put(r.name(), r.tags()));
        return tags;
    }

    @Override
    public Map<String, MemberStatus> view() throws IOException {
        Map<String, MemberStatus> view = new TreeMap<>();
        rows().forEach(r -> view.put(r.name(), MemberStatus.ofSerf(r.status())));
        return view;
    }

    /**
     * @param address a member to join through
     * @return the result of {@code serf join}
     */
    Cli.Result join(InetSocketAddress address) throws IOException {
        return serf("join", Ports.hostPort(address));
    }

    /** Leaves gracefully ({@code serf leave}) and waits for the agent to exit. */
    void leave() throws IOException, InterruptedException {
        Cli.Result r = serf("leave");
        if (!r.ok()) {
            throw new IOException(spec.name() + ": serf leave failed: " + r.output().trim());
        }
        awaitExit(20, "serf leave");
    }

    /** @return the agent's whole log so far */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** @return the last lines of the log, for failure messages */
    String logTail(int lines) {
        try {
            List<String> all = log().lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private Cli.Result serf(String command, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(SerfCondition.BINARY, command, "-rpc-addr=127.0.0.1:" + rpcPort));
        cmd.addAll(List.of(args));
        return Cli.run(CLI_TIMEOUT, cmd);
    }
}
