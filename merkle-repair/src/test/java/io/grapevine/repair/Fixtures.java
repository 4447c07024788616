package io.grapevine.repair;

import io.grapevine.ring.TokenRange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers for the repair tests: keys, values, versions, configs, divergence. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(Random r, int size) {
        byte[] v = new byte[size];
        r.nextBytes(v);
        return v;
    }

    static LwwVersion v(long ts) {
        return new LwwVersion(ts, 7);
    }

    static RepairConfig.Builder config() {
        return RepairConfig.builder().meterRegistry(new SimpleMeterRegistry()).idleTimeout(Duration.ofSeconds(20));
    }

    /** A config with tiny frames, units and chunks so that every splitting path runs. */
    static RepairConfig.Builder tinyConfig() {
        return config().depth(6).frameTarget(4096).chunkHashes(64).maxUnitEntries(16).maxScanEntries(1024)
                .fetchBatch(7);
    }

    static void fill(InMemoryRepairStore s, int n, long ts, Random r) {
        for (int i = 0; i < n; i++) {
            s.put(key(i), value(r, 1 + r.nextInt(40)), v(ts));
        }
    }

    /** Applies random divergences of every kind; returns how many keys were touched. */
    static int diverge(InMemoryRepairStore a, InMemoryRepairStore b, int n, int count, Random r) {
        int touched = 0;
        for (int k = 0; k < count; k++) {
            int i = r.nextInt(n * 2); // half of the keys are new (missing on the other side)
            byte[] key = key(i);
            long ts = 1000 + r.nextInt(1000);
            InMemoryRepairStore one = r.nextBoolean() ? a : b;
            InMemoryRepairStore other = one == a ? b : a;
            switch (r.nextInt(4)) {
                case 0 -> one.put(key, value(r, 1 + r.nextInt(40)), v(ts));        // missing or stale on the other
                case 1 -> one.delete(key, v(ts));                                  // tombstone on one side
                case 2 -> {                                                        // both diverged
                    one.put(key, value(r, 8), v(ts));
                    other.put(key, value(r, 8), new LwwVersion(ts + r.nextInt(3) - 1, 9));
                }
                default -> {                                                       // stale version
                    one.put(key, value(r, 12), v(ts));
                    other.put(key, value(r, 12), v(ts - 500));
                }
            }
            touched++;
        }
        return touched;
    }

    static TokenRange randomRange(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> TokenRange.FULL;
            case 1 -> new TokenRange(Long.MAX_VALUE - r.nextInt(1000), Long.MIN_VALUE / 2 + r.nextLong() / 4); // wraps
            default -> {
                long x = r.nextLong();
                long y = r.nextLong();
                yield new TokenRange(Math.min(x, y), Math.max(x, y));
            }
        };
    }

    /** The merge of two replicas under LWW, restricted to a range: what both must hold after repair. */
    static List<Entry> merged(List<Entry> a, List<Entry> b) {
        InMemoryRepairStore m = new InMemoryRepairStore();
        List<Entry> all = new ArrayList<>(a);
        all.addAll(b);
        m.apply(all).block();
        return m.entries();
    }
}
