package io.grapevine.repair.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The repair module's Micrometer meters, all named {@code grapevine.repair.*} and tagged with the
 * node name: sessions (by role and outcome), failures, differences, entries and bytes (by
 * direction), session duration, and gauges for active sessions and folded tree changes.
 */
public final class RepairMetrics {
    private final MeterRegistry registry;
    private final String node;
    private final Counter differences;
    private final Counter entriesIn;
    private final Counter entriesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter failures;
    private final Timer duration;

    /**
     * @param registry where meters go
     * @param node     the node tag
     */
    public RepairMetrics(MeterRegistry registry, String node) {
        this.registry = registry;
        this.node = node;
        this.differences = Counter.builder("grapevine.repair.differences").tag("node", node)
                .description("keys found to differ between replicas").register(registry);
        this.entriesIn = Counter.builder("grapevine.repair.entries").tag("node", node).tag("direction", "in")
                .register(registry);
        this.entriesOut = Counter.builder("grapevine.repair.entries").tag("node", node).tag("direction", "out")
                .register(registry);
        this.bytesIn = Counter.builder("grapevine.repair.bytes").tag("node", node).tag("direction", "in")
                .baseUnit("bytes").register(registry);
        this.bytesOut = Counter.builder("grapevine.repair.bytes").tag("node", node).tag("direction", "out")
                .baseUnit("bytes").register(registry);
        this.failures = Counter.builder("grapevine.repair.failures").tag("node", node)
                .description("repair sessions that failed").register(registry);
        this.duration = Timer.builder("grapevine.repair.duration").tag("node", node).register(registry);
    }

    /**
     * @param name     gauge name suffix
     * @param supplier the value
     */
    public void gauge(String name, Supplier<Number> supplier) {
        Gauge.builder("grapevine.repair." + name, supplier).tag("node", node).register(registry);
    }

    /**
     * Records one finished session.
     *
     * @param role        initiator or responder
     * @param ok          whether it completed
     * @param diffs       differences
     * @param inEntries   entries received
     * @param outEntries  entries sent
     * @param inBytes     bytes received
     * @param outBytes    bytes sent
     * @param took        duration
     */
    public void session(String role, boolean ok, long diffs, long inEntries, long outEntries, long inBytes,
                        long outBytes, Duration took) {
        Counter.builder("grapevine.repair.sessions").tag("node", node).tag("role", role)
                .tag("outcome", ok ? "ok" : "failed").register(registry).increment();
        if (!ok) {
            failures.increment();
        }
        differences.increment(diffs);
        entriesIn.increment(inEntries);
        entriesOut.increment(outEntries);
        bytesIn.increment(inBytes);
        bytesOut.increment(outBytes);
        duration.record(took);
    }
}
