package io.grapevine.kv.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The dashboard's static files, read once from the class path ({@code dashboard/} resources) and
 * served from memory: {@code GET /} is the page, {@code GET /dashboard/{name}} its script, style
 * sheet and icon. Only the names listed here exist, so no request path can reach another
 * resource or a file ({@code ..}, encoded or not, simply does not match). Every answer carries a
 * strong ETag and {@code Cache-Control: no-cache}: browsers revalidate on each load and get
 * {@code 304 Not Modified} while the node runs the same build.
 */
public final class DashboardAssets {
    /** Where {@code GET /dashboard/{name}} looks. */
    public static final String PREFIX = "/dashboard/";
    private static final String RESOURCE_DIR = "dashboard/";
    private static final Map<String, String> TYPES = types();
    /** The page may load only its own script, style and icon, and connect only to its own node. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, Asset> assets;

    /**
     * One file.
     *
     * @param bytes its content
     * @param type  its content type
     * @param etag  its entity tag (quoted)
     */
    public record Asset(byte[] bytes, String type, String etag) {
    }

    private DashboardAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    private static Map<String, String> types() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("index.html", "text/html; charset=utf-8");
        t.put("app.js", "text/javascript; charset=utf-8");
        t.put("style.css", "text/css; charset=utf-8");
        t.put("favicon.svg", "image/svg+xml");
        return Map.copyOf(t);
    }

    /**
     * @return the files, read from the class path
     * @throws IllegalStateException when one is missing from the build
     */
    public static DashboardAssets load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        ClassLoader loader = DashboardAssets.class.getClassLoader();
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            try (InputStream in = loader.getResourceAsStream(RESOURCE_DIR + e.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("dashboard resource missing from the build: " + RESOURCE_DIR + e.getKey());
                }
                byte[] bytes = in.readAllBytes();
                assets.put(e.getKey(), new Asset(bytes, e.getValue(), etag(bytes)));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return new DashboardAssets(Map.copyOf(assets));
    }

    /**
     * @param path a request path (not decoded)
     * @return the file it names: {@code /} is the page, {@code /dashboard/{name}} a listed file
     */
    public Optional<Asset> find(String path) {
        if (path.equals("/")) {
            return Optional.of(assets.get("index.html"));
        }
        if (path.startsWith(PREFIX)) {
            return Optional.ofNullable(assets.get(path.substring(PREFIX.length())));
        }
        return Optional.empty();
    }

    /**
     * Answers a request for a file: 200 (or 304 when the browser's copy is current), 404 JSON for
     * a name that is not one of the files, 405 for a method other than GET.
     *
     * @param req  the request
     * @param res  the response
     * @param path its path
     * @return completes when answered
     */
    public Mono<Void> serve(HttpServerRequest req, HttpServerResponse res, String path) {
        Optional<Asset> found = find(path);
        if (found.isEmpty()) {
            return HttpApi.json(res, 404, Json.error("no such dashboard file",
                Map.of("path", path.length() <= 200 ? path : path.substring(0, 200) + "...")));
        }
        if (req.method() != HttpMethod.GET) {
            res.header(HttpHeaderNames.ALLOW, "GET");
            return HttpApi.json(res, 405, Json.error("method not allowed", Map.of("allow", "GET")));
        }
        Asset a = found.get();
        res.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .header(HttpHeaderNames.ETAG, a.etag())
            .header("X-Content-Type-Options", "nosniff");
        if (a.type().startsWith("text/html")) {
            res.header("Content-Security-Policy", CSP).header("Referrer-Policy", "no-referrer");
        }
        String ifNoneMatch = req.requestHeaders().get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains(a.etag())) {
            return res.status(304).send();
        }
        return res.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, a.type())
            .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(a.bytes().length))
            .sendByteArray(Mono.just(a.bytes())).then();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
