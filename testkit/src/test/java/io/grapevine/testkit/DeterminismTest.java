package io.grapevine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed gives the same run, bit for bit; another seed another run. */
class DeterminismTest {

    /** A busy scenario: joins, loss, a crash, a pause, a cut, a restart and a newcomer. */
    private static List<String> run(long seed) {
        List<String> out = new ArrayList<>();
        try (SimulatedCluster c = SimulatedCluster.builder().nodes(40).seed(seed)
                .latency(Latency.exponentialTail(Duration.ofNanos(200_000), Duration.ofMillis(2))).build()) {
            c.network().loss(0.03);
            c.advance(Duration.ofSeconds(20));
            c.node(3).crash();
            c.node(5).pause(Duration.ofSeconds(6));
            c.network().cut(c.node(7).name(), c.node(8).name());
            c.advance(Duration.ofSeconds(40));
            c.node(3).restart();
            c.addNode();
            c.advance(Duration.ofSeconds(60));
            c.eventLog().forEach(e -> out.add(e.toString()));
            for (SimulatedNode n : c.nodes()) {
                out.add(n.name() + " " + n.traffic() + " " + n.view().members());
            }
            assertThat(c.errors()).isEmpty();
        }
        return out;
    }

    @Test
    void sameSeedSameEventLogAndTraffic() {
        List<String> first = run(1234);
        List<String> second = run(1234);
        assertThat(first).hasSizeGreaterThan(300);
        assertThat(second).containsExactlyElementsOf(first);
    }

    @Test
    void anotherSeedAnotherRun() {
        assertThat(run(1235)).isNotEqualTo(run(1234));
    }
}
