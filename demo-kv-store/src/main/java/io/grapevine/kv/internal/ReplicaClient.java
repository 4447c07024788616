package io.grapevine.kv.internal;

import io.grapevine.repair.Entry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Coordinator-to-replica calls over HTTP ({@code /internal/kv/{hex key}}): write an entry, read
 * an entry. Pooled keep-alive connections, bounded per peer; every call has a connect and a
 * response timeout, and response bodies are bounded like request bodies.
 */
public final class ReplicaClient {
    private final ConnectionProvider pool;
    private final HttpClient http;
    private final Duration timeout;
    private final long maxBody;

    /**
     * @param timeout       connect and response timeout of one call
     * @param maxValueBytes the largest value (bounds response bodies)
     * @param maxPerPeer    connections per peer
     */
    public ReplicaClient(Duration timeout, int maxValueBytes, int maxPerPeer) {
        this.timeout = timeout;
        this.maxBody = maxValueBytes;
        this.pool = ConnectionProvider.builder("grapevine-kv-replicas")
            .maxConnections(maxPerPeer)
            .pendingAcquireMaxCount(maxPerPeer * 64)
            .pendingAcquireTimeout(timeout)
            .maxIdleTime(Duration.ofSeconds(30))
            .build();
        this.http = HttpClient.create(pool)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
            .option(ChannelOption.TCP_NODELAY, true)
            .responseTimeout(timeout);
    }

    /**
     * Writes an entry to a replica; the replica merges it under last-write-wins.
     *
     * @param to    the replica's HTTP base URL ({@link Peers#httpUrl})
     * @param entry the entry
     * @param ring  the digest of the ring the coordinator routed by
     * @return completes when the replica acknowledged (it holds this version or a newer one)
     */
    public Mono<Void> write(String to, Entry entry, String ring) {
        byte[] value = entry.value();
        return http.put()
            .uri(url(to, entry.key()))
            .send((req, out) -> {
                req.header(InternalHeaders.VERSION, KeyCodec.hex(entry.version()));
                req.header(InternalHeaders.RING, ring);
                if (value == null) {
                    req.header(InternalHeaders.TOMBSTONE, "1");
                    return out;
                }
                return out.sendByteArray(Mono.just(value));
            })
            // Always read the response to its end, even an empty one: a connection whose response
            // was not consumed is closed instead of going back to the pool.
            .response((res, content) -> res.status().code() == 204
                ? content.then()
                : errorOf(res, content))
            .then()
            .timeout(timeout.plus(timeout));
    }

    /**
     * Reads a replica's own entry for a key.
     *
     * @param from the replica's HTTP base URL ({@link Peers#httpUrl})
     * @param key  the key
     * @return the entry (a tombstone has a null value), or empty when the replica has none
     */
    public Mono<Entry> read(String from, byte[] key) {
        return http.get()
            .uri(url(from, key))
            .response((res, content) -> {
                int status = res.status().code();
                if (status == 404) {
                    return content.then(Mono.<Entry>empty());
                }
                if (status != 200) {
                    return errorOf(res, content);
                }
                byte[] version;
                try {
                    version = KeyCodec.unhex(String.valueOf(res.responseHeaders().get(InternalHeaders.VERSION)));
                    Version.decode(version);
                } catch (IllegalArgumentException e) {
                    return Mono.<Entry>error(new ReplicaException("replica sent a malformed version"));
                }
                boolean tombstone = res.responseHeaders().contains(InternalHeaders.TOMBSTONE);
                return Bodies.read(content, maxBody)
                    .map(body -> new Entry(key, tombstone ? null : body, version));
            })
            .next()
            .timeout(timeout.plus(timeout));
    }

    /** Fails with the status and the start of the replica's error body. */
    private static <T> Mono<T> errorOf(HttpClientResponse res, Flux<ByteBuf> content) {
        return Bodies.read(content, 4096).onErrorReturn(new byte[0]).flatMap(body -> {
            String text = new String(body, StandardCharsets.UTF_8);
            return Mono.error(new ReplicaException("HTTP " + res.status().code() + (text.isEmpty() ? "" : ": " + text)));
        });
    }

    private static String url(String base, byte[] key) {
        return base + InternalHeaders.PREFIX + KeyCodec.hex(key);
    }

    /** @return completes when the pooled connections are closed */
    public Mono<Void> close() {
        return pool.disposeLater();
    }
}
