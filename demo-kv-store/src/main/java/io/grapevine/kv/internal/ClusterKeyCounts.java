package io.grapevine.kv.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The key count of every node, for the dashboard. Each node only knows its own count, so the node
 * serving a dashboard asks every live member's {@code GET /stats}: only while a dashboard is open
 * ({@link #poll} is cold), at most {@code peerConcurrency} at once, each within
 * {@code peerTimeout}, over at most two pooled connections per peer, reading at most 64 KiB of
 * each answer. A member that does not answer, or is no longer live, keeps its last known count,
 * marked stale; members that left the view are forgotten.
 */
public final class ClusterKeyCounts {
    private static final int MAX_BODY = 64 * 1024;

    private final String self;
    private final Supplier<MembershipView> view;
    private final Supplier<Counted> local;
    private final Duration peerTimeout;
    private final int concurrency;
    private final ConnectionProvider pool;
    private final HttpClient http;
    private volatile Map<String, NodeKeys> known = Map.of();

    /**
     * A node's count as last seen.
     *
     * @param keys       keys it holds a value for
     * @param tombstones deletes it holds
     * @param at         when the count was read (ms since the epoch)
     * @param stale      whether the latest attempt failed or the node is not live (the count is older)
     * @param error      why the latest attempt failed, or null
     */
    public record NodeKeys(long keys, long tombstones, long at, boolean stale, String error) {
    }

    /**
     * The counts of all nodes at one moment.
     *
     * @param atMillis when they were gathered
     * @param nodes    by node name, sorted
     */
    public record Counts(long atMillis, Map<String, NodeKeys> nodes) {
    }

    /**
     * This node's own figures.
     *
     * @param keys       keys held
     * @param tombstones tombstones held
     */
    public record Counted(long keys, long tombstones) {
    }

    /**
     * @param self        this node's name
     * @param view        the current membership view
     * @param local       this node's own count
     * @param peerTimeout how long one peer may take
     * @param concurrency peers asked at once
     */
    public ClusterKeyCounts(String self, Supplier<MembershipView> view, Supplier<Counted> local, Duration peerTimeout,
                            int concurrency) {
        this.self = self;
        this.view = view;
        this.local = local;
        this.peerTimeout = peerTimeout;
        this.concurrency = concurrency;
        this.pool = ConnectionProvider.builder("grapevine-kv-dashboard")
            .maxConnections(2)
            .pendingAcquireMaxCount(8)
            .pendingAcquireTimeout(peerTimeout)
            .maxIdleTime(Duration.ofSeconds(30))
            .build();
        this.http = HttpClient.create(pool)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) peerTimeout.toMillis())
            .responseTimeout(peerTimeout);
    }

    /** @return this node's fresh count and every other node's last known one, without asking anyone */
    public Counts current() {
        return withLocal(known);
    }

    /**
     * @param every     time between rounds (a round still running when the next is due skips it)
     * @param scheduler the timer
     * @return the counts after each round, starting at once; cold: nothing is asked before subscribing
     */
    public Flux<Counts> poll(Duration every, Scheduler scheduler) {
        return Flux.interval(Duration.ZERO, every, scheduler)
            .onBackpressureDrop()
            .concatMap(tick -> round(), 1);
    }

    /** @return asks every live member once; emits the counts */
    public Mono<Counts> round() {
        MembershipView v = view.get();
        if (v == null) {
            return Mono.just(current());
        }
        List<Member> peers = v.members().stream().filter(m -> !m.name().equals(self)).toList();
        return Flux.fromIterable(peers)
            .filter(m -> m.state().isLive() && m.tag(Peers.HTTP_TAG) != null)
            .flatMap(this::ask, concurrency)
            .collectMap(Map.Entry::getKey, Map.Entry::getValue)
            .map(answers -> {
                Map<String, NodeKeys> next = new HashMap<>();
                Map<String, NodeKeys> before = known;
                for (Member m : peers) {
                    NodeKeys fresh = answers.get(m.name());
                    NodeKeys old = before.get(m.name());
                    if (fresh != null && fresh.error() == null) {
                        next.put(m.name(), fresh);
                    } else if (old != null) {
                        next.put(m.name(), new NodeKeys(old.keys(), old.tombstones(), old.at(), true,
                            fresh != null ? fresh.error() : m.state().name().toLowerCase(java.util.Locale.ROOT)));
                    } else if (fresh != null) {
                        next.put(m.name(), fresh);
                    }
                }
                known = Map.copyOf(next);
                return withLocal(known);
            });
    }

    private Mono<Map.Entry<String, NodeKeys>> ask(Member m) {
        String url = "http://" + m.tag(Peers.HTTP_TAG) + "/stats";
        return http.get().uri(url)
            .response((res, content) -> res.status().code() == 200
                ? Bodies.read(content, MAX_BODY)
                : Bodies.read(content, MAX_BODY).then(Mono.<byte[]>error(new IOException("HTTP " + res.status().code()))))
            .next()
            .timeout(peerTimeout.multipliedBy(2))
            .map(body -> parse(body))
            .onErrorResume(e -> Mono.just(failed(e)))
            .map(keys -> Map.entry(m.name(), keys));
    }

    private static NodeKeys parse(byte[] body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            if (!json.path("keys").isIntegralNumber()) {
                return failed(new IOException("no key count in /stats"));
            }
            return new NodeKeys(json.path("keys").asLong(), json.path("tombstones").asLong(), System.currentTimeMillis(),
                false, null);
        } catch (IOException e) {
            return failed(new IOException("malformed /stats"));
        }
    }

    private static NodeKeys failed(Throwable e) {
        String why = e instanceof TimeoutException || e.getCause() instanceof TimeoutException
            ? "timed out" : String.valueOf(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        return new NodeKeys(0, 0, 0, true, why.length() > 120 ? why.substring(0, 120) : why);
    }

    private Counts withLocal(Map<String, NodeKeys> others) {
        long now = System.currentTimeMillis();
        Counted mine = local.get();
        Map<String, NodeKeys> all = new TreeMap<>(others);
        all.put(self, new NodeKeys(mine.keys(), mine.tombstones(), now, false, null));
        return new Counts(now, all);
    }

    /** @return completes when the pooled connections are closed */
    public Mono<Void> close() {
        return pool.disposeLater();
    }
}
