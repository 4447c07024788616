package io.grapevine.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Failure detection side by side in one mixed cluster: a SIGKILLed serf agent ({@code s3}) and a
 * SIGKILLed Grapevine process ({@code g3}), each with the same five survivors of the same kinds
 * watching. Asserts that every survivor reports the victim failed within the Lifeguard bound,
 * and records the measured times for {@code docs/benchmarks.md}.
 *
 * <p>{@code -Dgrapevine.detection.rounds=N} (default 1) repeats the pair of kills N times.
 */
@RequiresSerf
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerfFailureDetectionTest {
    private static final int ROUNDS = Integer.getInteger("grapevine.detection.rounds", 1);
    /**
     * Quiet time after the cluster re-forms, so that the probers' Lifeguard awareness (raised by
     * the previous victim's failed probes) has decayed before the next victim is killed.
     */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private MixedCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = MixedCluster.start(MixedCluster.logDir(getClass()), null);
        cluster.awaitAllAlive();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void serfAndGrapevineVictimsAreDetectedWithinTheLifeguardBound() throws Exception {
        int n = MixedCluster.NAMES.size();
        Duration bound = LifeguardBound.detection(n);
        List<Detection> results = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            settle();
            SerfAgent[] serfVictim = new SerfAgent[1];
            results.add(Detection.measure("s3", "serf", () -> serfVictim[0] = cluster.killSerf("s3"),
                    survivorsOf("s3"), bound));
            cluster.restartSerf(serfVictim[0]);

            settle();
            GrapevineProcess[] grapevineVictim = new GrapevineProcess[1];
            results.add(Detection.measure("g3", "grapevine", () -> grapevineVictim[0] = cluster.killProcess("g3"),
                    survivorsOf("g3"), bound));
            if (round < ROUNDS) {
                cluster.restartProcess(grapevineVictim[0]);
            }
        }
        String section = DetectionReport.markdown(results, ROUNDS, bound, n);
        Path file = Path.of(System.getProperty("grapevine.interop.dir", "target/interop"), "serf-failure-detection.md");
        DetectionReport.write(section, file);
        System.out.println(section);
    }

    private List<ClusterObserver> survivorsOf(String victim) {
        return cluster.observers().stream().filter(o -> !o.name().equals(victim)).toList();
    }

    /** Waits until all six are alive everywhere again, then lets Lifeguard awareness settle. */
    private void settle() throws InterruptedException {
        cluster.awaitAllAlive();
        Thread.sleep(SETTLE.toMillis());
    }
}
