package io.grapevine.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket
 * client: launch with a throw-away profile and {@code --remote-debugging-port=0}, read the port
 * Chromium picked from {@code DevToolsActivePort}, attach to its page, then navigate, evaluate
 * JavaScript and take screenshots. {@link #close()} kills the browser (and its helper processes)
 * and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
    /** The browser: Debian's {@code /usr/bin/chromium}, or {@code -Dgrapevine.chromium=...}. */
    static final Path BINARY = Path.of(System.getProperty("grapevine.chromium", "/usr/bin/chromium"));
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private WebSocket socket;

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /**
     * @param log     where the browser's own output goes
     * @param timeout how long the browser may take to open its DevTools port
     * @return a browser showing about:blank, attached
     */
    static HeadlessChromium launch(Path log, Duration timeout) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("grapevine-chromium-");
        List<String> cmd = List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--no-first-run", "--metrics-recording-only", "--hide-scrollbars", "--window-size=1280,800",
            "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        HeadlessChromium browser = new HeadlessChromium(p, profile);
        try {
            browser.attach(timeout, log);
            return browser;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            browser.close();
            throw e;
        }
    }

    private void attach(Duration timeout, Path log) throws IOException, InterruptedException {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = List.of();
        while (lines.size() < 2) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("Chromium did not open its DevTools port within " + timeout
                    + (process.isAlive() ? "" : " (it exited)") + "; its output:\n" + tail(log));
            }
            Thread.sleep(100);
            lines = Files.exists(portFile) ? Files.readAllLines(portFile, StandardCharsets.UTF_8) : List.of();
        }
        int port = Integer.parseInt(lines.get(0).trim());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String pageSocket = null;
        while (pageSocket == null) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : Json.MAPPER.readTree(list.body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Chromium shows no page target: " + list.body());
                }
                Thread.sleep(100);
            }
        }
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(pageSocket), new Listener()).join();
        call("Page.enable", Map.of());
        call("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1,
            "mobile", false));
    }

    /**
     * Sends one DevTools command and waits for its answer.
     *
     * @return the command's {@code result}
     */
    JsonNode call(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        socket.sendText(new String(Json.bytes(message), StandardCharsets.UTF_8), true).join();
        JsonNode reply;
        try {
            reply = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer: " + e, e);
        } finally {
            calls.remove(id);
        }
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    /** Opens a URL in the page (returns once navigation started; poll the DOM for content). */
    void navigate(String url) {
        JsonNode r = call("Page.navigate", Map.of("url", url));
        if (r.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + r.get("errorText").asText());
        }
    }

    /**
     * @param expression JavaScript evaluated in the page
     * @return its value (serialised by the browser), or a missing node for undefined
     */
    JsonNode evaluate(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** @return a PNG of the page's viewport */
    byte[] screenshot() {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", false));
        return Base64.getDecoder().decode(r.path("data").asText());
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a helper process still writing; the temp dir is cleaned by the OS later
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // as above
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Collects text frames into messages and completes the call each answers. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = Json.MAPPER.readTree(text);
                    CompletableFuture<JsonNode> call = message.has("id") ? calls.get(message.get("id").asInt()) : null;
                    if (call != null) {
                        call.complete(message);
                    }
                } catch (IOException e) {
                    // not JSON: not an answer we wait for
                }
            }
            ws.request(1);
            return null;
        }
    }
}
