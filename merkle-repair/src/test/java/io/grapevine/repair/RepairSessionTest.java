package io.grapevine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.ring.TokenRange;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas over loopback TCP: after one session both hold the merge of the two. */
class RepairSessionTest {
    private RepairService a;
    private RepairService b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close().block();
        }
        if (b != null) {
            b.close().block();
        }
    }

    private void start(InMemoryRepairStore sa, InMemoryRepairStore sb, RepairConfig ca, RepairConfig cb) {
        a = RepairService.start(sa, ca).block();
        b = RepairService.start(sb, cb).block();
    }

    @Test
    void randomDivergencesConvergeAfterOneRepair() {
        for (int seed = 1; seed <= 24; seed++) {
            Random r = new Random(seed);
            InMemoryRepairStore sa = new InMemoryRepairStore();
            InMemoryRepairStore sb = new InMemoryRepairStore();
            int n = 200 + r.nextInt(2000);
            Fixtures.fill(sa, n, 100, new Random(seed * 31L));
            Fixtures.fill(sb, n, 100, new Random(seed * 31L));
            // Divergences both before the services start (index built by scan) and after (index maintained by changes).
            Fixtures.diverge(sa, sb, n, r.nextInt(50), r);
            RepairConfig.Builder cfg = seed % 3 == 0 ? Fixtures.tinyConfig() : Fixtures.config().depth(4 + r.nextInt(14));
            start(sa, sb, cfg.name("a").build(), (seed % 2 == 0 ? Fixtures.config().depth(10) : cfg).name("b").build());
            Fixtures.diverge(sa, sb, n, r.nextInt(200), r);
            TokenRange range = Fixtures.randomRange(r);
            List<Entry> expected = Fixtures.merged(sa.entries(range), sb.entries(range));

            RepairReport report = a.repair(range, b.address()).block();

            assertThat(report.ok()).isTrue();
            assertThat(sa.entries(range)).as("seed %d replica a", seed).isEqualTo(expected);
            assertThat(sb.entries(range)).as("seed %d replica b", seed).isEqualTo(expected);
            assertThat(a.index().rangeHash(range).block()).isEqualTo(b.index().rangeHash(range).block());
            stop();
        }
    }

    @Test
    void replicasInSyncTakeOneRoundTripAndNoEntries() {
        InMemoryRepairStore sa = new InMemoryRepairStore();
        InMemoryRepairStore sb = new InMemoryRepairStore();
        Fixtures.fill(sa, 5000, 1, new Random(1));
        Fixtures.fill(sb, 5000, 1, new Random(1));
        start(sa, sb, Fixtures.config().build(), Fixtures.config().depth(12).build());

        RepairReport report = a.repair(new TokenRange(-5, Long.MAX_VALUE / 3), b.address()).block();

        assertThat(report.mode()).isEqualTo("in-sync");
        assertThat(report.roundTrips()).isEqualTo(1);
        assertThat(report.entriesSent() + report.entriesReceived()).isZero();
        assertThat(report.differences()).isZero();
    }

    @Test
    void onlyDifferingEntriesTravelAndOnlyTowardsTheStaleSide() {
        Random r = new Random(5);
        InMemoryRepairStore sa = new InMemoryRepairStore();
        InMemoryRepairStore sb = new InMemoryRepairStore();
        Fixtures.fill(sa, 20_000, 1, new Random(2));
        Fixtures.fill(sb, 20_000, 1, new Random(2));
        start(sa, sb, Fixtures.config().build(), Fixtures.config().build());
        for (int i = 0; i < 30; i++) {
            sb.put(Fixtures.key(r.nextInt(20_000) * 1), Fixtures.value(r, 100), Fixtures.v(5)); // b newer
        }
        int newer = (int) sb.entries().stream().filter(e -> LwwVersion.decode(e.version()).timestamp() == 5).count();

        RepairReport report = a.repair(TokenRange.FULL, b.address()).block();

        assertThat(report.mode()).isEqualTo("descend");
        assertThat(report.differences()).isEqualTo(newer);
        assertThat(report.entriesReceived()).isEqualTo(newer);
        assertThat(report.entriesSent()).isZero();
        assertThat(sa.entries()).isEqualTo(sb.entries());
    }

    @Test
    void aMissingReplicaIsFilledInBulkEitherWay() {
        InMemoryRepairStore full = new InMemoryRepairStore();
        Fixtures.fill(full, 3000, 1, new Random(3));
        InMemoryRepairStore empty = new InMemoryRepairStore();
        start(empty, full, Fixtures.tinyConfig().build(), Fixtures.config().build());

        RepairReport pulled = a.repair(TokenRange.FULL, b.address()).block();
        assertThat(pulled.mode()).isEqualTo("receive-all");
        assertThat(pulled.entriesReceived()).isEqualTo(3000);
        assertThat(empty.entries()).isEqualTo(full.entries());
        stop();

        InMemoryRepairStore empty2 = new InMemoryRepairStore();
        start(full, empty2, Fixtures.config().build(), Fixtures.tinyConfig().build());
        RepairReport pushed = a.repair(TokenRange.FULL, b.address()).block();
        assertThat(pushed.mode()).isEqualTo("send-all");
        assertThat(pushed.entriesSent()).isEqualTo(3000);
        assertThat(empty2.entries()).isEqualTo(full.entries());
    }

    @Test
    void entriesOutsideTheRangeAreNotTouched() {
        InMemoryRepairStore sa = new InMemoryRepairStore();
        InMemoryRepairStore sb = new InMemoryRepairStore();
        Fixtures.fill(sa, 1000, 1, new Random(4));
        start(sa, sb, Fixtures.config().build(), Fixtures.config().build());
        TokenRange range = new TokenRange(0, Long.MAX_VALUE / 2);

        a.repair(range, b.address()).block();

        assertThat(sb.entries()).isEqualTo(sa.entries(range));
        assertThat(sb.size()).isLessThan(sa.size());
    }
}
