package io.grapevine.kv.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.KvClient;
import io.grapevine.kv.KvResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client commands: {@code put KEY VALUE}, {@code get KEY}, {@code delete KEY},
 * {@code status} and {@code leave}, each talking to one node ({@code --node URL}, default
 * {@code http://127.0.0.1:8080}). Exit codes: 0 done, 1 the node said no (not found, quorum not
 * reached, ...), 2 bad usage, 3 the node could not be reached.
 */
public final class ClientCommands {
    private static final Set<String> VALUED = Set.of("node", "w", "r", "timeout");
    private static final Set<String> SWITCHES = Set.of("local");
    private static final Duration BLOCK = Duration.ofSeconds(60);

    private ClientCommands() {
    }

    /**
     * @param command put, get, delete, status or leave
     * @param argv    its arguments and options
     * @param out     where results go
     * @param err     where errors go
     * @return the exit code
     */
    public static int run(String command, String[] argv, PrintStream out, PrintStream err) {
        Args a = Args.parse(argv, VALUED, SWITCHES);
        List<String> p = a.positional();
        String node = a.get("node", "http://127.0.0.1:8080");
        Duration timeout = a.getDuration("timeout", Duration.ofSeconds(10));
        try (KvClient kv = KvClient.create(node, timeout, 8)) {
            return switch (command) {
                case "put" -> {
                    need(p, 2, "put KEY VALUE");
                    yield report(kv.put(p.get(0), p.get(1).getBytes(StandardCharsets.UTF_8), a.getInt("w", 0)).block(BLOCK),
                        r -> out.println("OK " + p.get(0) + " written, version " + r.header(HttpApi.VERSION_HEADER)
                            + ", acknowledged by " + r.header(HttpApi.ACKS_HEADER)), err);
                }
                case "get" -> {
                    need(p, 1, "get KEY");
                    KvResponse r = a.flag("local") ? kv.getLocal(p.get(0)).block(BLOCK)
                        : kv.get(p.get(0), a.getInt("r", 0)).block(BLOCK);
                    yield report(r, ok -> {
                        out.write(ok.body(), 0, ok.body().length);
                        out.println();
                        out.flush();
                    }, err);
                }
                case "delete" -> {
                    need(p, 1, "delete KEY");
                    yield report(kv.delete(p.get(0), a.getInt("w", 0)).block(BLOCK),
                        r -> out.println("OK " + p.get(0) + " deleted, version " + r.header(HttpApi.VERSION_HEADER)
                            + ", acknowledged by " + r.header(HttpApi.ACKS_HEADER)), err);
                }
                case "status" -> status(kv, timeout, out, err);
                case "leave" -> report(kv.leave().block(BLOCK), r -> {
                    JsonNode h = r.json().path("handoff");
                    out.println("OK " + r.json().path("node").asText() + " handed " + h.path("sessions").asInt()
                        + " ranges over (" + h.path("failed").asInt() + " failed, " + h.path("entriesSent").asLong()
                        + " entries sent in " + h.path("millis").asLong() + " ms) and left the cluster");
                }, err);
                default -> throw new IllegalArgumentException("unknown command " + command);
            };
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("error: cannot reach " + node + ": " + (root.getMessage() == null ? root : root.getMessage()));
            return 3;
        }
    }

    private static void need(List<String> p, int n, String usage) {
        if (p.size() != n) {
            throw new IllegalArgumentException("usage: " + usage + " [--node URL]");
        }
    }

    private static int report(KvResponse r, java.util.function.Consumer<KvResponse> onOk, PrintStream err) {
        if (r.ok()) {
            onOk.accept(r);
            return 0;
        }
        err.println("error " + r.status() + ": " + r.error() + details(r));
        return 1;
    }

    /** The replicas that answered and failed, from a 503 body. */
    private static String details(KvResponse r) {
        if (r.status() != 503) {
            return "";
        }
        try {
            JsonNode j = r.json();
            StringBuilder s = new StringBuilder();
            JsonNode answered = j.has("acknowledged") ? j.get("acknowledged") : j.get("answered");
            if (answered != null) {
                s.append("\n  replicas: ").append(j.path("replicas")).append(", answered: ").append(answered);
            }
            for (Map.Entry<String, JsonNode> f : j.path("failed").properties()) {
                s.append("\n  ").append(f.getKey()).append(": ").append(f.getValue().asText());
            }
            return s.toString();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** One table: every member, its state, address, keys, ownership and repair figures. */
    private static int status(KvClient kv, Duration timeout, PrintStream out, PrintStream err) {
        KvResponse c = kv.cluster().block(BLOCK);
        if (!c.ok()) {
            err.println("error " + c.status() + ": " + c.error());
            return 1;
        }
        JsonNode cluster = c.json();
        JsonNode ring = cluster.path("ring");
        String digest = ring.path("digest").asText("");
        out.printf("Cluster seen by %s (%s): ring %s, %d owners, RF %d, %d partitions%n",
            cluster.path("node").asText(), kv.baseUrl(), shortDigest(digest), ring.path("owners").asInt(),
            ring.path("replication").asInt(), ring.path("partitions").asInt());
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "STATE", "HTTP", "ZONE", "KEYS", "OWNS", "RING", "REPAIR sessions/diffs/recv"});
        int alive = 0;
        int members = 0;
        boolean agree = true;
        for (JsonNode m : cluster.path("members")) {
            members++;
            String state = m.path("state").asText();
            String http = m.path("http").asText("");
            String keys = "-";
            String ringCell = "-";
            String repair = "-";
            if ("ALIVE".equals(state) || "SUSPECT".equals(state)) {
                alive += "ALIVE".equals(state) ? 1 : 0;
                JsonNode stats = fetchStats(http, timeout);
                if (stats != null) {
                    keys = String.valueOf(stats.path("keys").asLong());
                    String d = stats.path("ring").path("digest").asText("");
                    boolean same = d.equals(digest);
                    agree &= same;
                    ringCell = shortDigest(d) + (same ? " ok" : " DIFFERS");
                    JsonNode r = stats.path("repair");
                    repair = r.path("sessions").asLong() + "/" + r.path("differences").asLong() + "/"
                        + r.path("entriesReceived").asLong();
                } else {
                    keys = "?";
                    ringCell = "unreachable";
                    agree = false;
                }
            }
            String zone = m.path("tags").path("zone").asText("-");
            String owns = m.path("owner").asBoolean() ? String.format("%.1f%%", m.path("ownership").asDouble() * 100) : "-";
            rows.add(new String[] {m.path("name").asText(), state, http, zone, keys, owns, ringCell, repair});
        }
        printTable(rows, out);
        out.println();
        out.println(alive + " of " + members + " members alive; " + (agree
            ? "every live member routes with the same ring." : "live members do NOT all agree on the ring yet."));
        return 0;
    }

    private static JsonNode fetchStats(String http, Duration timeout) {
        if (http.isEmpty()) {
            return null;
        }
        try (KvClient peer = KvClient.create(http, timeout, 1)) {
            KvResponse r = peer.stats().block(timeout.plusSeconds(1));
            return r != null && r.ok() ? r.json() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String shortDigest(String digest) {
        return digest.length() > 8 ? digest.substring(0, 8) : digest;
    }

    /**
     * @param rows the header row first
     * @param out  where to print, columns padded to their widest cell
     */
    public static void printTable(List<String[]> rows, PrintStream out) {
        Map<Integer, Integer> widths = new LinkedHashMap<>();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths.merge(i, row[i] == null ? 1 : row[i].length(), Math::max);
            }
        }
        for (String[] row : rows) {
            StringBuilder s = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                String cell = row[i] == null ? "-" : row[i];
                s.append(cell);
                if (i + 1 < row.length) {
                    s.append(" ".repeat(widths.get(i) - cell.length() + 2));
                }
            }
            out.println(s);
        }
    }
}
