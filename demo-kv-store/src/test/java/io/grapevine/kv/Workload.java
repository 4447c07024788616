package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes numbered keys through a set of coordinators, remembers exactly which writes were
 * acknowledged (204), and checks them: readable with a quorum, and present on every replica.
 */
final class Workload {
    /** The ring every node computes (same settings as the nodes: RF 3, 256 partitions, zone tag). */
    static final RingConfig RING = RingConfig.builder().replicationFactor(3).partitions(256).zoneTag("zone").build();

    final Map<String, String> acked = new ConcurrentHashMap<>();
    final AtomicLong refused = new AtomicLong();
    /** Why the first few writes were not acknowledged. */
    final List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();

    static String key(int i) {
        return String.format("key-%06d", i);
    }

    /** Writes keys [from, to) with w=2, {@code concurrency} at a time; returns when all answered. */
    void write(List<KvClient> coordinators, int from, int to, int concurrency) {
        Flux.range(from, to - from)
            .flatMap(i -> writeOne(coordinators.get(i % coordinators.size()), i), concurrency)
            .blockLast(Duration.ofMinutes(3));
    }

    /** Keeps writing from {@code from} on until {@link Background#stop()}; at most {@code max} keys. */
    Background writeInBackground(List<KvClient> coordinators, int from, int max) {
        AtomicBoolean stop = new AtomicBoolean();
        Mono<Void> run = Flux.range(from, max)
            .takeWhile(i -> !stop.get())
            .flatMap(i -> writeOne(coordinators.get(i % coordinators.size()), i), 8)
            .then()
            .subscribeOn(Schedulers.boundedElastic())
            .cache();
        run.subscribe();
        return new Background(stop, run);
    }

    /**
     * One write, retried up to three times when refused (503) or timed out, as a client would;
     * only a 204 counts as acknowledged.
     */
    private Mono<Void> writeOne(KvClient via, int i) {
        String value = "value-" + i;
        return via.put(key(i), value.getBytes(StandardCharsets.UTF_8), 2)
            .flatMap(r -> r.status() == 204 ? Mono.just(r)
                : Mono.error(new IllegalStateException(r.status() + " " + r.text())))
            .retryWhen(reactor.util.retry.Retry.backoff(3, Duration.ofMillis(200)))
            .doOnNext(r -> acked.put(key(i), value))
            .onErrorResume(e -> {
                refused.incrementAndGet();
                if (reasons.size() < 5) {
                    reasons.add(key(i) + ": " + (e.getCause() != null ? e.getCause() : e));
                }
                return Mono.empty();
            })
            .then();
    }

    /** Every acknowledged write reads back, with r=2, through the given coordinators. */
    void assertReadable(List<KvClient> coordinators) {
        List<String> keys = new ArrayList<>(acked.keySet());
        Map<String, String> wrong = new ConcurrentHashMap<>();
        Flux.range(0, keys.size())
            .flatMap(i -> {
                String k = keys.get(i);
                return coordinators.get(i % coordinators.size()).get(k, 2)
                    .doOnNext(r -> {
                        if (r.status() != 200 || !r.text().equals(acked.get(k))) {
                            wrong.put(k, r.status() + " " + r.text());
                        }
                    })
                    .onErrorResume(e -> {
                        wrong.put(k, e.toString());
                        return Mono.empty();
                    });
            }, 64)
            .blockLast(Duration.ofMinutes(3));
        assertThat(wrong).as("acknowledged writes that did not read back (of %d)", keys.size()).isEmpty();
    }

    /**
     * Waits until every acknowledged key is on each of its replicas, asked with
     * {@code ?local=true} on each replica.
     *
     * @param nodes clients by node name, for every live node
     * @return the ring the check used
     */
    RingSnapshot awaitOnEveryReplica(Map<String, KvClient> nodes, Duration timeout) throws InterruptedException {
        RingSnapshot ring = agreedRing(nodes, timeout);
        Map<String, List<String>> pending = new TreeMap<>();
        for (String k : acked.keySet()) {
            List<String> names = new ArrayList<>();
            ring.replicasFor(k.getBytes(StandardCharsets.UTF_8)).forEach(m -> names.add(m.name()));
            assertThat(names).hasSize(3);
            pending.put(k, names);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, List<String>> missing = new ConcurrentHashMap<>();
            List<Map.Entry<String, List<String>>> work = new ArrayList<>(pending.entrySet());
            Flux.fromIterable(work)
                .flatMap(e -> Flux.fromIterable(e.getValue()).flatMap(name -> nodes.get(name).getLocal(e.getKey())
                    .filter(r -> r.status() == 200 && r.text().equals(acked.get(e.getKey())))
                    .hasElement()
                    .onErrorReturn(false)
                    .doOnNext(present -> {
                        if (!present) {
                            missing.computeIfAbsent(e.getKey(), x -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(name);
                        }
                    })), 32)
                .blockLast(Duration.ofMinutes(3));
            if (missing.isEmpty()) {
                return ring;
            }
            if (System.nanoTime() > deadline) {
                Iterator<Map.Entry<String, List<String>>> it = new TreeMap<>(missing).entrySet().iterator();
                StringBuilder sample = new StringBuilder();
                for (int i = 0; i < 10 && it.hasNext(); i++) {
                    Map.Entry<String, List<String>> e = it.next();
                    sample.append("\n  ").append(e.getKey()).append(" missing on ").append(e.getValue());
                }
                throw new AssertionError(missing.size() + " of " + acked.size() + " keys not on all their replicas within "
                    + timeout + ":" + sample);
            }
            pending = new TreeMap<>();
            for (String k : missing.keySet()) {
                pending.put(k, missing.get(k));
            }
            Thread.sleep(500);
        }
    }

    /**
     * Waits until every given node sees exactly the given nodes alive and routes with the same
     * ring, and returns that ring as this test computes it (checked against the nodes' digest).
     */
    static RingSnapshot agreedRing(Map<String, KvClient> nodes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Set<String> digests = new java.util.HashSet<>();
            JsonNode any = null;
            boolean allSee = true;
            for (KvClient c : nodes.values()) {
                try {
                    KvResponse r = c.cluster().block(Duration.ofSeconds(5));
                    JsonNode j = r.json();
                    Set<String> alive = new java.util.HashSet<>();
                    for (JsonNode m : j.path("members")) {
                        if ("ALIVE".equals(m.path("state").asText())) {
                            alive.add(m.path("name").asText());
                        }
                    }
                    allSee &= alive.equals(nodes.keySet()) && j.path("ring").path("owners").asInt() == nodes.size();
                    digests.add(j.path("ring").path("digest").asText());
                    any = j;
                    last = j.toString();
                } catch (RuntimeException e) {
                    allSee = false;
                }
            }
            if (allSee && digests.size() == 1) {
                RingSnapshot ring = RingSnapshot.of(members(any), RING);
                assertThat(ring.digest()).as("the test computes the nodes' ring").isEqualTo(digests.iterator().next());
                return ring;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nodes " + nodes.keySet() + " did not agree on a ring within " + timeout + "; last: " + last);
    }

    private static List<Member> members(JsonNode cluster) {
        List<Member> members = new ArrayList<>();
        for (JsonNode m : cluster.path("members")) {
            String[] hp = m.path("gossip").asText().split(":");
            Map<String, String> tags = new HashMap<>();
            m.path("tags").properties().forEach(t -> tags.put(t.getKey(), t.getValue().asText()));
            members.add(new Member(m.path("name").asText(), new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), tags,
                MemberState.valueOf(m.path("state").asText()), m.path("incarnation").asLong()));
        }
        return members;
    }

    /** A writer running in the background. */
    static final class Background {
        private final AtomicBoolean stop;
        private final Mono<Void> done;

        Background(AtomicBoolean stop, Mono<Void> done) {
            this.stop = stop;
            this.done = done;
        }

        void stop() {
            stop.set(true);
            done.block(Duration.ofMinutes(2));
        }
    }
}
