package io.grapevine.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the harness turns member output into convergence, detection and false-positive figures. */
class ClusterLogTest {
    private static final List<String> MEMBERS = List.of("s0", "s1", "s2");

    @Test
    void serfLogLinesCountJoinsFailuresAndSuspicions() {
        ClusterLog log = new ClusterLog(MEMBERS);
        LineParser s0 = LineParser.serfLog("s0", log);
        s0.accept("    2026/11/22 15:13:57 [INFO] serf: EventMemberJoin: s0 127.0.0.1", 10);
        s0.accept("    2026/11/22 15:13:58 [INFO] serf: EventMemberJoin: s1 127.0.0.1", 20);
        s0.accept("    2026/11/22 15:13:58 [INFO] serf: EventMemberJoin: s2 127.0.0.1", 30);
        s0.accept("    2026/11/22 15:14:01 [INFO] memberlist: Suspect s2 has failed, no acks received", 40);
        s0.accept("    2026/11/22 15:14:05 [INFO] serf: EventMemberFailed: s2 127.0.0.1", 50);

        assertThat(log.allReady(List.of("s0"))).isTrue();
        assertThat(log.aliveCounts()).containsEntry("s0", 2);
        assertThat(log.liveSuspectedAfter(0)).isEqualTo(1);
        assertThat(log.falsePositives(0, 100)).isEqualTo(1);
    }

    @Test
    void convergesOnlyWhenEveryMemberSeesEveryoneAtOnce() {
        ClusterLog log = new ClusterLog(MEMBERS);
        LineParser lines = LineParser.peerLines(log);
        lines.accept("PEER s0 ALIVE 3", 1);
        lines.accept("PEER s1 ALIVE 3", 2);
        lines.accept("PEER s0 ALIVE 2", 3);
        lines.accept("PEER s2 ALIVE 3", 4);
        assertThat(log.converged()).isEmpty();

        lines.accept("PEER s0 ALIVE 3", 5);
        assertThat(log.converged()).hasValue(5);
    }

    @Test
    void reportsBeforeTheKillAreFalsePositivesAndOnlyLaterOnesTimeTheDetection() {
        ClusterLog log = new ClusterLog(MEMBERS);
        LineParser lines = LineParser.peerLines(log);
        lines.accept("PEER s0 FAILED s2", 10);
        lines.accept("PEER s1 FAILED s1", 15);
        log.killing("s2", 20);
        lines.accept("PEER s0 SUSPECT s2", 25);
        lines.accept("PEER s0 FAILED s2", 30);
        lines.accept("PEER s1 FAILED s2", 35);
        lines.accept("15:27:21.217 WARN  MembershipProtocol - unrelated", 36);

        assertThat(log.failedReports("s2")).containsOnly(entry("s0", 30L), entry("s1", 35L));
        assertThat(log.suspectedAfterKill("s2")).hasValue(25);
        assertThat(log.falsePositives(0, 100)).isEqualTo(2);
        assertThat(log.falsePositives(12, 100)).isEqualTo(1);
    }
}
