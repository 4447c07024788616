package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import io.grapevine.ring.Tokens;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Key to replica list: hashing alone, then our lookup by token and by key, beside random vnodes
 * (binary search over sorted tokens) and jump hash (one jump per zone). Keys cycle through 64Ki
 * random 16-byte keys, more than fit in the CPU caches' hot set, so lookups are not all hits.
 * Run with {@code -prof gc} to see that our lookup allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RingLookupBenchmark {
    private static final int KEYS = 1 << 16;

    /** Cluster size. */
    @Param({"1000"})
    public int members;

    private RingSnapshot ring;
    private VnodeModel.Built vnodes16;
    private VnodeModel.Built vnodes256;
    private JumpModel.Built jump;
    private byte[][] keys;
    private long[] tokens;
    private final Member[] out = new Member[3];
    private int next;

    /** Builds every ring over the same members. */
    @Setup(Level.Trial)
    public void setUp() {
        List<Member> start = Churn.start(members);
        ring = RingSnapshot.of(start, RingConfig.builder().replicationFactor(3).zoneTag("zone").build());
        vnodes16 = (VnodeModel.Built) new VnodeModel(16, 3, true).build(start);
        vnodes256 = (VnodeModel.Built) new VnodeModel(256, 3, true).build(start);
        jump = (JumpModel.Built) new JumpModel(1).build(start);
        Random random = new Random(1);
        keys = new byte[KEYS][16];
        tokens = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            random.nextBytes(keys[i]);
            tokens[i] = Tokens.of(keys[i]);
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (KEYS - 1);
        return i;
    }

    /** @return the token of a key: the hashing cost every lookup by key pays */
    @Benchmark
    public long hashOnly() {
        return Tokens.of(keys[nextIndex()]);
    }

    /** @return replicas of a precomputed token */
    @Benchmark
    public List<Member> grapevineByToken() {
        return ring.replicasForToken(tokens[nextIndex()]);
    }

    /** @return replicas of a key, hashing included */
    @Benchmark
    public List<Member> grapevineByKey() {
        return ring.replicasFor(keys[nextIndex()]);
    }

    /** @return replicas of a precomputed token, 16 random vnodes per member */
    @Benchmark
    public List<Member> vnodes16ByToken() {
        return vnodes16.replicas(tokens[nextIndex()]);
    }

    /** @return replicas of a precomputed token, 256 random vnodes per member */
    @Benchmark
    public List<Member> vnodes256ByToken() {
        return vnodes256.replicas(tokens[nextIndex()]);
    }

    /** @return replicas of a precomputed token by jump hash, written into a reused array */
    @Benchmark
    public Member[] jumpByToken() {
        jump.fill(tokens[nextIndex()], out);
        return out;
    }
}
