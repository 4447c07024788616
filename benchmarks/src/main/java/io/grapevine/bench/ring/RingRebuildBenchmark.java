package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import java.util.ArrayList;
import java.util.List;
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
 * Rebuilding the ring after one membership change, as {@code TokenRing} does (incrementally from
 * the previous snapshot), and from scratch for comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RingRebuildBenchmark {
    /** Cluster size. */
    @Param({"1000"})
    public int members;

    private RingConfig config;
    private RingSnapshot base;
    private List<Member> all;
    private List<Member> plusOne;
    private List<Member> minusOne;

    /** Builds the starting ring and the member lists one join and one leave away. */
    @Setup(Level.Trial)
    public void setUp() {
        config = RingConfig.builder().replicationFactor(3).zoneTag("zone").build();
        all = Churn.start(members);
        base = RingSnapshot.of(all, config);
        plusOne = new ArrayList<>(all);
        plusOne.add(Churn.member("joiner", "b"));
        minusOne = new ArrayList<>(all);
        minusOne.remove(members / 2);
    }

    /** @return the ring after one member joined */
    @Benchmark
    public RingSnapshot join() {
        return base.update(plusOne);
    }

    /** @return the ring after one member left */
    @Benchmark
    public RingSnapshot leave() {
        return base.update(minusOne);
    }

    /** @return the ring of the same members, computed from nothing */
    @Benchmark
    public RingSnapshot fromScratch() {
        return RingSnapshot.of(all, config);
    }
}
