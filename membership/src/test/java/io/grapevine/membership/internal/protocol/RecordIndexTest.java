package io.grapevine.membership.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.MemberState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecordIndexTest {

    /** A key whose hash the test chooses, to force collisions and probe runs that wrap around. */
    private record Key(int id, int hash) {
        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id;
        }
    }

    private static NodeRecord record(int i) {
        return new NodeRecord(MemberIdentity.of("r" + i, new byte[] {10, 0, 0, 1}, 7946, null, null), 1,
                MemberState.ALIVE, 0);
    }

    @Test
    void behavesAsAMapUnderRandomPutsReplacementsAndRemovals() {
        for (int hashes : new int[] {3, 40, Integer.MAX_VALUE}) {
            SplittableRandom random = new SplittableRandom(hashes);
            Map<NodeRecord, Key> keys = new IdentityHashMap<>();
            RecordIndex<Key> index = new RecordIndex<>(keys::get);
            Map<Key, NodeRecord> model = new HashMap<>();
            List<NodeRecord> all = new ArrayList<>();
            for (int step = 0; step < 20_000; step++) {
                int id = random.nextInt(300);
                Key key = new Key(id, Math.floorMod(id * 7919, hashes));
                if (random.nextInt(3) > 0) {
                    NodeRecord r = record(step);
                    keys.put(r, key);
                    all.add(r);
                    index.put(r);
                    model.put(key, r);
                } else if (!all.isEmpty()) {
                    NodeRecord r = all.get(random.nextInt(all.size()));
                    index.remove(r);
                    model.remove(keys.get(r), r);
                }
                assertThat(index.size()).isEqualTo(model.size());
                if (step % 97 == 0) {
                    for (int k = 0; k < 300; k++) {
                        Key probe = new Key(k, Math.floorMod(k * 7919, hashes));
                        assertThat(index.get(probe)).as("hash range %d step %d key %d", hashes, step, k)
                                .isSameAs(model.get(probe));
                    }
                }
            }
        }
    }

    @Test
    void aRecordNoLongerIndexedUnderItsKeyIsNotRemovedByMistake() {
        Map<NodeRecord, Key> keys = new IdentityHashMap<>();
        RecordIndex<Key> index = new RecordIndex<>(keys::get);
        NodeRecord old = record(1);
        NodeRecord replacement = record(2);
        keys.put(old, new Key(1, 5));
        keys.put(replacement, new Key(1, 5));
        index.put(old);
        index.put(replacement);
        index.remove(old);
        assertThat(index.get(new Key(1, 5))).isSameAs(replacement);
        assertThat(index.size()).isEqualTo(1);
    }
}
