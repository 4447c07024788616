package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;

/**
 * The dashboard in a real browser: three real node processes, the page opened in headless
 * Chromium, the DOM read over the DevTools protocol. All three members show alive with their key
 * counts; one node is SIGKILLed and the page shows it failed, without a reload. The page is then
 * saved as {@code <build dir>/dashboard.png}; node and browser logs stay in
 * {@code <build dir>/dashboard-e2e/}.
 */
@RequiresChromium
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Reads the member rows the page renders: name, data-state and the key count shown. */
    private static final String MEMBERS = "JSON.stringify({connection: document.body && document.body.dataset.connection, "
        + "rows: [...document.querySelectorAll('#members tr.member')].map(r => ({name: r.dataset.name, "
        + "state: r.dataset.state, keys: r.querySelector('.keys').dataset.keys}))})";

    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, KvClient> clients = new LinkedHashMap<>();
    private Path build;
    private Path dir;
    private HeadlessChromium browser;

    @BeforeAll
    void startCluster() throws Exception {
        build = Path.of(DashboardBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        dir = build.resolve("dashboard-e2e").resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        NodeProcess n1 = NodeProcess.start("n1", dir, options("z1", null)).awaitReady(READY);
        NodeProcess n2 = NodeProcess.start("n2", dir, options("z2", n1));
        NodeProcess n3 = NodeProcess.start("n3", dir, options("z3", n1));
        for (NodeProcess p : List.of(n1, n2.awaitReady(READY), n3.awaitReady(READY))) {
            nodes.put(p.name, p);
            clients.put(p.name, KvClient.create(p.http(), Duration.ofSeconds(10), 16));
        }
        Workload.agreedRing(clients, Duration.ofSeconds(90));
    }

    private static List<String> options(String zone, NodeProcess seed) {
        List<String> o = new ArrayList<>(List.of("--profile", "local", "--repair-interval", "1h", "--tag", "zone=" + zone));
        if (seed != null) {
            o.addAll(List.of("--seeds", seed.gossip()));
        }
        return o;
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        if (browser != null) {
            browser.close();
        }
        clients.values().forEach(KvClient::close);
        for (NodeProcess p : nodes.values()) {
            if (p.isAlive()) {
                p.process().destroyForcibly();
                p.process().waitFor();
            }
        }
    }

    @Test
    void thePageShowsEveryMemberLiveAndAKilledNodeAsFailed() throws Exception {
        KvClient n1 = clients.get("n1");
        List<Integer> statuses = Flux.range(0, 300)
            .flatMap(i -> n1.put("user:" + i, ("value " + i).getBytes(StandardCharsets.UTF_8)).map(KvResponse::status), 16)
            .collectList().block(Duration.ofSeconds(60));
        assertThat(statuses).hasSize(300).containsOnly(204);

        browser = HeadlessChromium.launch(dir.resolve("chromium.log"), Duration.ofSeconds(30));
        browser.navigate(nodes.get("n1").http() + "/");
        JsonNode page = awaitPage("all three members alive, each with its 300 keys", p -> p.path("rows").size() == 3
            && rows(p).values().stream().allMatch(r -> r.path("state").asText().equals("alive")
                && r.path("keys").asText().equals("300")));
        assertThat(page.path("connection").asText()).isEqualTo("live");
        assertThat(rows(page).keySet()).containsExactly("n1", "n2", "n3");

        long killed = System.nanoTime();
        nodes.get("n3").kill();
        // Also watch when n1 itself learns it (GET /cluster), to see how long the push takes on top.
        long[] learned = {0};
        page = awaitPage("n3 shown failed", p -> {
            if (learned[0] == 0 && n1SeesN3Dead()) {
                learned[0] = System.nanoTime();
            }
            return rows(p).containsKey("n3") && rows(p).get("n3").path("state").asText().equals("failed");
        });
        long shown = System.nanoTime();
        System.out.printf("[dashboard] n3 SIGKILLed: n1 reported it DEAD on /cluster after %.1f s (polled every 0.2 s), "
            + "the page showed it failed after %.1f s%n", learned[0] == 0 ? Double.NaN : (learned[0] - killed) / 1e9,
            (shown - killed) / 1e9);
        assertThat(rows(page).get("n1").path("state").asText()).isEqualTo("alive");
        assertThat(rows(page).get("n2").path("state").asText()).isEqualTo("alive");
        assertThat(page.path("connection").asText()).as("the same stream, no reload").isEqualTo("live");
        assertThat(browser.evaluate("document.body.dataset.snapshots").asText()).isEqualTo("1");

        byte[] png = browser.screenshot();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        Path shot = build.resolve("dashboard.png");
        Files.write(shot, png);
        System.out.println("[dashboard] screenshot: " + shot);
    }

    private boolean n1SeesN3Dead() {
        try {
            for (JsonNode m : clients.get("n1").cluster().block(Duration.ofSeconds(5)).json().path("members")) {
                if (m.path("name").asText().equals("n3")) {
                    return m.path("state").asText().equals("DEAD");
                }
            }
        } catch (RuntimeException e) {
            // not known this round
        }
        return false;
    }

    /** Polls the page until the condition holds, or fails after the deadline with what the page showed. */
    private JsonNode awaitPage(String what, Predicate<JsonNode> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = Json.MAPPER.readTree(browser.evaluate(MEMBERS).asText());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the page did not show " + what + " within " + DEADLINE + "; it shows " + last);
    }

    private static Map<String, JsonNode> rows(JsonNode page) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : page.path("rows")) {
            out.put(r.path("name").asText(), r);
        }
        return out;
    }
}
