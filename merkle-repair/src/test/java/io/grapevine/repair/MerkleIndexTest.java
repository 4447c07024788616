package io.grapevine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.ring.TokenRange;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The index follows every write without rescans, and rebuilds are rate-limited. */
class MerkleIndexTest {

    @Test
    void incrementalMaintenanceMatchesAFreshBuild() {
        Random r = new Random(8);
        InMemoryRepairStore store = new InMemoryRepairStore();
        Fixtures.fill(store, 3000, 1, r);
        MerkleIndex live = MerkleIndex.build(store, Fixtures.config().depth(10).build()).block();
        for (int i = 0; i < 5000; i++) {
            byte[] key = Fixtures.key(r.nextInt(6000));
            switch (r.nextInt(3)) {
                case 0 -> store.put(key, Fixtures.value(r, 10), Fixtures.v(2 + r.nextInt(100)));
                case 1 -> store.delete(key, Fixtures.v(2 + r.nextInt(100)));
                default -> store.purge(key);
            }
        }
        MerkleIndex fresh = MerkleIndex.build(store, Fixtures.config().depth(14).build()).block();
        for (int i = 0; i < 50; i++) {
            TokenRange range = Fixtures.randomRange(r);
            long expected = store.entries(range).stream().mapToLong(e -> e.digest().hash()).reduce(0, (a, b) -> a ^ b);
            assertThat(live.rangeHash(range).block()).isEqualTo(expected);
            assertThat(fresh.rangeHash(range).block()).isEqualTo(expected);
        }
        assertThat(live.changesApplied()).isPositive();
        assertThat(live.memoryBytes()).isEqualTo((2L << 10) * 8);
        live.close();
        fresh.close();
    }

    @Test
    void rebuildsAreRateLimited() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        InMemoryRepairStore store = new InMemoryRepairStore();
        MerkleIndex index = MerkleIndex.build(store, Fixtures.config().scheduler(time)
                .minRebuildInterval(Duration.ofMinutes(1)).build()).block();
        assertThat(index.rebuild().block()).isFalse();
        time.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(index.rebuild().block()).isTrue();
        assertThat(index.rebuild().block()).isFalse();
        index.close();
        time.dispose();
    }
}
