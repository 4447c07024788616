package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MembershipStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol's Micrometer meters, all tagged {@code node=<name>}:
 * {@code grapevine.membership.packets} and {@code grapevine.membership.bytes}
 * ({@code direction=in|out}), {@code grapevine.membership.probes} ({@code result=ok|failed|refused}; refused is a failed probe cut short by a refused TCP connection),
 * {@code grapevine.membership.suspicions}, {@code grapevine.membership.refutations},
 * {@code grapevine.membership.conflicts} and {@code grapevine.membership.drops}
 * ({@code reason=...}). Counters are thread-safe, so the transport may count too.
 */
public final class ProtocolMetrics {
    private final MeterRegistry registry;
    private final String node;
    private final Counter packetsIn;
    private final Counter packetsOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter probesOk;
    private final Counter probesFailed;
    private final Counter probesRefused;
    private final Counter suspicions;
    private final Counter refutations;
    private final Counter conflicts;
    private final Counter eventOverflows;
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();

    /**
     * @param registry where to register
     * @param node     this node's name, the {@code node} tag
     */
    public ProtocolMetrics(MeterRegistry registry, String node) {
        this.registry = registry;
        this.node = node;
        packetsIn = counter("grapevine.membership.packets", "direction", "in");
        packetsOut = counter("grapevine.membership.packets", "direction", "out");
        bytesIn = counter("grapevine.membership.bytes", "direction", "in");
        bytesOut = counter("grapevine.membership.bytes", "direction", "out");
        probesOk = counter("grapevine.membership.probes", "result", "ok");
        probesFailed = counter("grapevine.membership.probes", "result", "failed");
        probesRefused = counter("grapevine.membership.probes", "result", "refused");
        suspicions = Counter.builder("grapevine.membership.suspicions").tag("node", node)
                .description("suspicions this node raised").register(registry);
        refutations = Counter.builder("grapevine.membership.refutations").tag("node", node)
                .description("suspicions or deaths about this node that it refuted").register(registry);
        conflicts = Counter.builder("grapevine.membership.conflicts").tag("node", node)
                .description("alive messages claiming a known name from another address").register(registry);
        eventOverflows = Counter.builder("grapevine.membership.subscriber.overflows").tag("node", node)
                .description("events or messages dropped because a subscriber fell too far behind").register(registry);
    }

    private Counter counter(String name, String key, String value) {
        return Counter.builder(name).tag("node", node).tag(key, value).register(registry);
    }

    /** @param bytes size of a datagram or stream received */
    public void received(int bytes) {
        packetsIn.increment();
        bytesIn.increment(bytes);
    }

    /** @param bytes size of a datagram or stream sent */
    public void sent(int bytes) {
        packetsOut.increment();
        bytesOut.increment(bytes);
    }

    /** A probe got an ack. */
    public void probeOk() {
        probesOk.increment();
    }

    /** A probe got no ack at all. */
    public void probeFailed() {
        probesFailed.increment();
    }

    /** A probe failed early: the target's host refused the TCP fallback connection. */
    public void probeRefused() {
        probesRefused.increment();
    }

    /** This node raised a suspicion. */
    public void suspicion() {
        suspicions.increment();
    }

    /** This node refuted an accusation. */
    public void refutation() {
        refutations.increment();
    }

    /** A name conflict was seen. */
    public void conflict() {
        conflicts.increment();
    }

    /** A subscriber buffer overflowed. */
    public void overflow() {
        eventOverflows.increment();
    }

    /** @param reason why an input was dropped */
    public void drop(String reason) {
        drops.computeIfAbsent(reason, r -> Counter.builder("grapevine.membership.drops").tag("node", node)
                .tag("reason", r).register(registry)).increment();
    }

    /** @return a snapshot of the counters */
    public MembershipStats snapshot() {
        // Drops are read from the registry, so the transport's own drops (counted under the same
        // meter name and node tag) are included.
        Map<String, Long> d = new TreeMap<>();
        for (Counter c : registry.find("grapevine.membership.drops").tag("node", node).counters()) {
            d.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum);
        }
        return new MembershipStats((long) packetsIn.count(), (long) packetsOut.count(), (long) bytesIn.count(),
                (long) bytesOut.count(), (long) (probesOk.count() + probesFailed.count() + probesRefused.count()),
                (long) (probesFailed.count() + probesRefused.count()),
                (long) suspicions.count(), (long) refutations.count(), d);
    }
}
