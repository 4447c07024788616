package io.grapevine.bench.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.KvClient;
import io.grapevine.kv.KvResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code kv}: the demo KV store's puts and gets through its HTTP API, a 3-node cluster (RF 3, W 2,
 * R 2) beside a single node (RF 1) in the same run. Nodes are real processes on loopback
 * ({@code io.grapevine.kv.Main node}, LOCAL membership profile, in memory unless
 * {@code --durable}); the client spreads requests over every node with a fixed number in flight
 * and times each one. The two configurations alternate {@code --repeats} times (default 2) and
 * each keeps its best run. Prints throughput and p50/p99 latency per configuration and the ratio
 * 3-node / 1-node.
 */
public final class KvBench {
    private static final Pattern READY = Pattern.compile("READY name=\\S+ http=(\\S+) gossip=(\\S+)");

    private KvBench() {
    }

    /**
     * @param args {@code [--ops N] [--concurrency C] [--value-bytes B] [--warmup N] [--repeats R] [--durable]}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
            .setLevel(ch.qos.logback.classic.Level.WARN);
        int ops = 20_000;
        int concurrency = 32;
        int valueBytes = 100;
        int warmup = 10_000;
        boolean durable = false;
        int repeats = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--durable" -> durable = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "KV store: %,d puts then %,d gets of %d-byte values, %d in flight, %s; %d cores, Java %s, load average %s%n",
            ops, ops, valueBytes, concurrency, durable ? "durable (--data-dir)" : "in memory",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        // The configurations alternate and each keeps its best run, so a burst of load from
        // elsewhere on the machine penalises neither side.
        Result single = null;
        Result triple = null;
        for (int i = 0; i < repeats; i++) {
            single = best(single, run(1, 1, ops, concurrency, valueBytes, warmup, durable));
            triple = best(triple, run(3, 2, ops, concurrency, valueBytes, warmup, durable));
        }
        System.out.println();
        System.out.println("| configuration | op | throughput (ops/s) | p50 (ms) | p99 (ms) |");
        System.out.println("|---|---|---:|---:|---:|");
        row("1 node, RF 1", "put", single.put);
        row("1 node, RF 1", "get", single.get);
        row("3 nodes, RF 3, W 2 / R 2", "put", triple.put);
        row("3 nodes, RF 3, W 2 / R 2", "get", triple.get);
        ratio("put", triple.put, single.put);
        ratio("get", triple.get, single.get);
    }

    private static Result best(Result a, Result b) {
        if (a == null) {
            return b;
        }
        return new Result(a.put.throughput >= b.put.throughput ? a.put : b.put,
            a.get.throughput >= b.get.throughput ? a.get : b.get);
    }

    private static void row(String config, String op, Stats s) {
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f |%n", config, op, s.throughput, s.p50, s.p99);
    }

    private static void ratio(String op, Stats three, Stats one) {
        System.out.printf(Locale.ROOT, "| ratio 3-node / 1-node | %s | %.2f | %.2f | %.2f |%n", op,
            three.throughput / one.throughput, three.p50 / one.p50, three.p99 / one.p99);
    }

    private static Result run(int nodes, int quorum, int ops, int concurrency, int valueBytes, int warmup, boolean durable)
            throws Exception {
        Path dir = Files.createTempDirectory("grapevine-kv-bench");
        List<Process> processes = new ArrayList<>();
        List<KvClient> clients = new ArrayList<>();
        try {
            List<String> http = new ArrayList<>();
            String seed = null;
            for (int i = 1; i <= nodes; i++) {
                Path log = dir.resolve("n" + i + ".log");
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), "io.grapevine.kv.Main",
                    "node", "--name", "n" + i, "--gossip", "127.0.0.1:0", "--http", "127.0.0.1:0",
                    "--profile", "local", "--replication", String.valueOf(Math.min(3, nodes))));
                if (seed != null) {
                    cmd.addAll(List.of("--seeds", seed));
                }
                if (durable) {
                    cmd.addAll(List.of("--data-dir", dir.resolve("data-n" + i).toString()));
                }
                processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
                String[] ready = awaitReady(log, processes.get(processes.size() - 1));
                http.add(ready[0]);
                if (seed == null) {
                    seed = ready[1];
                }
            }
            for (String h : http) {
                clients.add(KvClient.create(h, Duration.ofSeconds(30), concurrency));
            }
            awaitRing(clients, nodes);
            byte[] value = new byte[valueBytes];
            new Random(1).nextBytes(value);
            phase(clients, "warm-", warmup, concurrency, value, quorum, true);
            phase(clients, "warm-", warmup, concurrency, value, quorum, false);
            Stats put = phase(clients, "key-", ops, concurrency, value, quorum, true);
            Stats get = phase(clients, "key-", ops, concurrency, value, quorum, false);
            System.out.printf(Locale.ROOT, "  %d node(s): put %,.0f ops/s (p50 %.2f ms, p99 %.2f ms), get %,.0f ops/s (p50 %.2f ms, p99 %.2f ms)%n",
                nodes, put.throughput, put.p50, put.p99, get.throughput, get.p50, get.p99);
            return new Result(put, get);
        } finally {
            clients.forEach(KvClient::close);
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static Stats phase(List<KvClient> clients, String prefix, int ops, int concurrency, byte[] value, int quorum,
                               boolean put) {
        long[] latencies = new long[ops];
        AtomicInteger failures = new AtomicInteger();
        long t0 = System.nanoTime();
        Flux.range(0, ops)
            .flatMap(i -> {
                KvClient c = clients.get(i % clients.size());
                String key = prefix + i;
                long start = System.nanoTime();
                Mono<KvResponse> call = put ? c.put(key, value, quorum) : c.get(key, quorum);
                return call.doOnNext(r -> {
                    latencies[i] = System.nanoTime() - start;
                    if (r.status() != (put ? 204 : 200)) {
                        failures.incrementAndGet();
                    }
                }).onErrorResume(e -> {
                    latencies[i] = System.nanoTime() - start;
                    failures.incrementAndGet();
                    return Mono.empty();
                });
            }, concurrency)
            .blockLast(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + ops + (put ? " puts" : " gets") + " failed");
        }
        Arrays.sort(latencies);
        return new Stats(ops / seconds, latencies[ops / 2] / 1e6, latencies[(int) (ops * 0.99)] / 1e6);
    }

    private static String[] awaitReady(Path log, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = READY.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
            if (m.find()) {
                return new String[] {m.group(1), m.group(2)};
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("node exited: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node not ready: " + log);
    }

    private static void awaitRing(List<KvClient> clients, int nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Set<String> digests = new HashSet<>();
            boolean all = true;
            for (KvClient c : clients) {
                JsonNode ring = c.cluster().block(Duration.ofSeconds(5)).json().path("ring");
                all &= ring.path("owners").asInt() == nodes;
                digests.add(ring.path("digest").asText());
            }
            if (all && digests.size() == 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the nodes did not agree on a ring");
    }

    /** @return the 1-minute load average (Linux), so a reader can tell a busy machine's figures */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private record Stats(double throughput, double p50, double p99) {
    }

    private record Result(Stats put, Stats get) {
    }
}
