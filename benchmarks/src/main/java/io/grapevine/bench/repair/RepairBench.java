package io.grapevine.bench.repair;

import io.grapevine.repair.Entry;
import io.grapevine.repair.InMemoryRepairStore;
import io.grapevine.repair.LwwVersion;
import io.grapevine.repair.RepairConfig;
import io.grapevine.repair.RepairReport;
import io.grapevine.repair.RepairService;
import io.grapevine.ring.TokenRange;
import io.grapevine.ring.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code repair}: two in-memory replicas of n keys with 1 KB values, d of them newer on one side,
 * repaired over loopback TCP. Prints the bytes on the wire (every frame, both directions, tree
 * hashes included) against the floor d x (key + value), against a Cassandra-style baseline computed
 * on the same data in the same run, then the in-sync case and a bulk transfer to an empty replica.
 */
public final class RepairBench {
    private static final int VALUE_BYTES = 1024;
    private static final int BASELINE_LEAVES_BITS = 15;
    private static final int BASELINE_HASH_BYTES = 32;
    private static final int VERSION_BYTES = LwwVersion.BYTES;

    private RepairBench() {
    }

    /**
     * @param args {@code [--keys N] [--seed S]}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int n = 1_000_000;
        long seed = 42;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--keys" -> n = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Random r = new Random(seed);
        byte[][] pool = new byte[4096][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new byte[VALUE_BYTES];
            r.nextBytes(pool[i]);
        }
        InMemoryRepairStore a = new InMemoryRepairStore();
        InMemoryRepairStore b = new InMemoryRepairStore();
        long t0 = System.nanoTime();
        byte[] v1 = new LwwVersion(1, 1).encode();
        for (int i = 0; i < n; i++) {
            byte[] key = key(i);
            byte[] value = pool[r.nextInt(pool.length)];
            a.put(key, value, v1);
            b.put(key, value, v1);
        }
        System.out.printf(Locale.ROOT, "loaded 2 x %,d keys (%d-byte keys, %d-byte values) in %.1f s%n", n,
                key(0).length, VALUE_BYTES, (System.nanoTime() - t0) / 1e9);
        RepairConfig.Builder cfg = RepairConfig.builder().meterRegistry(new SimpleMeterRegistry());
        RepairService sa = RepairService.start(a, cfg.name("a").build()).block();
        RepairService sb = RepairService.start(b, cfg.name("b").build()).block();
        System.out.printf(Locale.ROOT, "tree: depth %d, %,d buckets, %,d bytes per node%n%n", sa.index().depth(),
                1L << sa.index().depth(), sa.index().memoryBytes());

        System.out.println("| scenario | differing keys | floor bytes | Grapevine bytes | x floor | Cassandra-style bytes | x floor | baseline / Grapevine | round trips | time |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        long ts = 2;
        for (int d : new int[] {100, 10_000}) {
            for (int k = 0; k < d; k++) {
                byte[] value = new byte[VALUE_BYTES];
                r.nextBytes(value);
                int i = r.nextInt(n);
                b.put(key(i), value, new LwwVersion(ts, 2).encode());
            }
            ts++;
            long diff = countDiff(a, b);
            long floor = diff * (key(0).length + VALUE_BYTES);
            long baseline = baseline(a, b);
            long start = System.nanoTime();
            RepairReport rep = sa.repair(TokenRange.FULL, sb.address()).block();
            double secs = (System.nanoTime() - start) / 1e9;
            long bytes = rep.bytesSent() + rep.bytesReceived();
            check(a, b);
            System.out.printf(Locale.ROOT, "| d = %,d scattered 1 KB differences among %,d | %,d | %,d | %,d | %.2f | %,d | %.1f | %.1f | %d | %.2f s |%n",
                    d, n, rep.differences(), floor, bytes, bytes / (double) floor, baseline,
                    baseline / (double) floor, baseline / (double) bytes, rep.roundTrips(), secs);
        }
        RepairReport sync = sa.repair(TokenRange.FULL, sb.address()).block();
        System.out.printf(Locale.ROOT, "| replicas in sync | 0 | 0 | %,d | - | %,d | - | - | %d | %s |%n",
                sync.bytesSent() + sync.bytesReceived(), 2L * (1 << BASELINE_LEAVES_BITS) * BASELINE_HASH_BYTES,
                sync.roundTrips(), sync.mode() + ", " + (sync.entriesSent() + sync.entriesReceived()) + " entries");

        InMemoryRepairStore c = new InMemoryRepairStore();
        RepairService sc = RepairService.start(c, cfg.name("c").build()).block();
        long start = System.nanoTime();
        RepairReport bulk = sc.repair(TokenRange.FULL, sa.address()).block();
        double secs = (System.nanoTime() - start) / 1e9;
        check(a, c);
        System.out.printf(Locale.ROOT, "%nbulk transfer to an empty replica: %,d entries, %,d bytes received in %.2f s = %.0f MB/s (mode %s)%n",
                bulk.entriesReceived(), bulk.bytesReceived(), secs, bulk.bytesReceived() / secs / 1e6, bulk.mode());
        sa.close().block();
        sb.close().block();
        sc.close().block();
    }

    private static byte[] key(int i) {
        return String.format(Locale.ROOT, "key-%010d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static long countDiff(InMemoryRepairStore a, InMemoryRepairStore b) {
        long diff = 0;
        for (Entry e : b.entries()) {
            Entry o = a.get(e.key());
            if (o == null || !java.util.Arrays.equals(o.version(), e.version())) {
                diff++;
            }
        }
        return diff;
    }

    /**
     * Cassandra-style repair on the same data: each replica builds a fixed 2^15-leaf tree over the
     * range (32-byte hashes) and sends all of it; every leaf whose hashes differ is streamed whole
     * (every row of the leaf, key + value + version), once, from the up-to-date side.
     */
    private static long baseline(InMemoryRepairStore a, InMemoryRepairStore b) {
        int leaves = 1 << BASELINE_LEAVES_BITS;
        long[] ha = leafHashes(a.entries(), leaves);
        long[] hb = leafHashes(b.entries(), leaves);
        long bytes = 2L * leaves * BASELINE_HASH_BYTES;
        for (Entry e : b.entries()) {
            int leaf = leaf(Tokens.of(e.key()));
            if (ha[leaf] != hb[leaf]) {
                bytes += e.key().length + (e.value() == null ? 0 : e.value().length) + VERSION_BYTES;
            }
        }
        return bytes;
    }

    private static long[] leafHashes(List<Entry> entries, int leaves) {
        long[] h = new long[leaves];
        for (Entry e : entries) {
            h[leaf(Tokens.of(e.key()))] ^= e.digest().hash();
        }
        return h;
    }

    private static int leaf(long token) {
        return (int) ((token ^ Long.MIN_VALUE) >>> (64 - BASELINE_LEAVES_BITS));
    }

    private static void check(InMemoryRepairStore x, InMemoryRepairStore y) {
        if (x.size() != y.size() || !x.entries().equals(y.entries())) {
            throw new IllegalStateException("replicas differ after repair");
        }
    }
}
