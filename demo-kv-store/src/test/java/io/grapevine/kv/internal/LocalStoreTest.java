package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.repair.Change;
import io.grapevine.repair.Entry;
import io.grapevine.repair.EntryDigest;
import io.grapevine.ring.TokenRange;
import io.grapevine.ring.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;

class LocalStoreTest {
    private static final long GRACE = 10_000;
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final HybridClock clock = new HybridClock(wall::get);
    private final List<LocalStore> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        opened.forEach(LocalStore::close);
    }

    private LocalStore open(boolean file) {
        LocalStore s = LocalStore.open(file ? dir : null, false, clock, GRACE);
        opened.add(s);
        return s;
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An entry written {@code tick} logical ticks after the test's start time. */
    private Entry write(String key, String value, long tick, String node) {
        long ts = (wall.get() << HybridClock.LOGICAL_BITS) + tick;
        return new Entry(k(key), value == null ? null : k(value), new Version(ts, node).encode());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lastWriteWinsAndOlderWritesAreIgnored(boolean file) {
        LocalStore s = open(file);
        assertThat(s.write(write("a", "new", 20, "n1")).block()).isTrue();
        assertThat(s.write(write("a", "old", 10, "n2")).block()).isFalse();
        assertThat(s.write(write("a", "same", 20, "n1")).block()).isFalse();
        assertThat(s.write(write("a", "tie", 20, "n2")).block()).as("same time, greater node name").isTrue();
        assertThat(new String(s.get(k("a")).block().value(), StandardCharsets.UTF_8)).isEqualTo("tie");
        assertThat(s.liveKeys()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void deletesAreTombstonesCountedApart(boolean file) {
        LocalStore s = open(file);
        s.write(write("a", "v", 10, "n1")).block();
        s.write(write("b", "v", 10, "n1")).block();
        s.write(write("a", null, 11, "n1")).block();
        Entry a = s.get(k("a")).block();
        assertThat(a.isTombstone()).isTrue();
        assertThat(s.liveKeys()).isEqualTo(1);
        assertThat(s.tombstones()).isEqualTo(1);
        assertThat(s.write(write("a", "resurrect?", 9, "n9")).block()).as("older than the delete").isFalse();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void scansReturnExactlyTheRangeInTokenOrder(boolean file) {
        LocalStore s = open(file);
        Random random = new Random(5);
        List<byte[]> keys = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] key = k("key-" + random.nextInt(1_000_000) + "-" + i);
            keys.add(key);
            entries.add(write(new String(key, StandardCharsets.UTF_8), "v", i, "n1"));
        }
        s.apply(entries).block();
        List<TokenRange> ranges = new ArrayList<>(List.of(new TokenRange(Long.MIN_VALUE, Long.MIN_VALUE),
            TokenRange.FULL, new TokenRange(0, Long.MAX_VALUE), new TokenRange(Long.MAX_VALUE, 0),
            new TokenRange(Tokens.of(keys.get(0)), Tokens.of(keys.get(1)))));
        for (int i = 0; i < 50; i++) {
            ranges.add(new TokenRange(random.nextLong(), random.nextLong()));
        }
        for (TokenRange r : ranges) {
            List<String> expected = keys.stream().filter(key -> r.contains(Tokens.of(key)))
                .sorted(Comparator.<byte[]>comparingLong(Tokens::of).thenComparing(java.util.Arrays::compareUnsigned))
                .map(key -> new String(key, StandardCharsets.UTF_8)).toList();
            List<EntryDigest> scanned = s.scan(r).collectList().block();
            assertThat(scanned.stream().map(d -> new String(d.key(), StandardCharsets.UTF_8)).toList())
                .as("range %s", r).containsExactlyElementsOf(wrapOrder(expected, r));
        }
    }

    /** Wrapping ranges list the tokens above start first, then those from the bottom up to end. */
    private static List<String> wrapOrder(List<String> sorted, TokenRange r) {
        if (r.start() < r.end()) {
            return sorted;
        }
        List<String> high = new ArrayList<>();
        List<String> low = new ArrayList<>();
        for (String key : sorted) {
            (Tokens.of(key) > r.start() ? high : low).add(key);
        }
        high.addAll(low);
        return high;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyChangeIsReportedWithTheVersionItReplaced(boolean file) {
        LocalStore s = open(file);
        List<Change> changes = new CopyOnWriteArrayList<>();
        Disposable sub = s.changes().subscribe(changes::add);
        Entry v1 = write("a", "1", 10, "n1");
        Entry v2 = write("a", "2", 20, "n1");
        Entry old = write("a", "0", 5, "n1");
        Entry tomb = write("a", null, 30, "n1");
        s.write(v1).block();
        s.write(v2).block();
        s.write(old).block();
        s.apply(List.of(tomb)).block();
        wall.addAndGet(GRACE + 1);
        assertThat(s.purgeTombstones().block()).isEqualTo(1);
        sub.dispose();
        assertThat(changes).hasSize(4);
        assertThat(changes.get(0).oldVersion()).isNull();
        assertThat(changes.get(0).newVersion()).isEqualTo(v1.version());
        assertThat(changes.get(1).oldVersion()).isEqualTo(v1.version());
        assertThat(changes.get(2).newVersion()).isEqualTo(tomb.version());
        assertThat(changes.get(3).oldVersion()).isEqualTo(tomb.version());
        assertThat(changes.get(3).newVersion()).isNull();
        assertThat(s.get(k("a")).block()).isNull();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tombstonesArePurgedOnlyAfterTheGracePeriodAndOnlyIfStillCurrent(boolean file) {
        LocalStore s = open(file);
        long t = wall.get() << HybridClock.LOGICAL_BITS;
        s.write(new Entry(k("gone"), null, new Version(t, "n1").encode())).block();
        s.write(new Entry(k("back"), null, new Version(t, "n1").encode())).block();
        s.write(new Entry(k("back"), k("again"), new Version(t + 1, "n1").encode())).block();
        wall.addAndGet(GRACE - 1);
        assertThat(s.purgeTombstones().block()).isZero();
        assertThat(s.get(k("gone")).block()).isNotNull();
        wall.addAndGet(2);
        assertThat(s.purgeTombstones().block()).isEqualTo(1);
        assertThat(s.get(k("gone")).block()).isNull();
        assertThat(s.get(k("back")).block().value()).isEqualTo(k("again"));
        assertThat(s.tombstones()).isZero();
        assertThat(s.purgedTombstones()).isEqualTo(1);
    }

    @Test
    void anExpiredDeleteRemovesAnOlderValueButIsNotStored() {
        LocalStore s = open(false);
        long old = (wall.get() - 2 * GRACE) << HybridClock.LOGICAL_BITS;
        s.write(new Entry(k("x"), k("v"), new Version(old, "n1").encode())).block();
        assertThat(s.write(new Entry(k("x"), null, new Version(old + 1, "n1").encode())).block()).isTrue();
        assertThat(s.get(k("x")).block()).isNull();
        assertThat(s.write(new Entry(k("y"), null, new Version(old, "n1").encode())).block()).isFalse();
        assertThat(s.get(k("y")).block()).isNull();
    }

    @Test
    void aFileStoreKeepsItsDataAcrossReopeningAndMovesTheClockPastIt() {
        LocalStore s = open(true);
        long future = (wall.get() + 1000) << HybridClock.LOGICAL_BITS;
        s.write(new Entry(k("a"), k("1"), new Version(future, "n1").encode())).block();
        s.write(new Entry(k("b"), null, new Version(future - 1, "n1").encode())).block();
        s.close();
        HybridClock fresh = new HybridClock(wall::get);
        LocalStore again = LocalStore.open(dir, false, fresh, GRACE);
        opened.add(again);
        assertThat(again.get(k("a")).block().value()).isEqualTo(k("1"));
        assertThat(again.get(k("b")).block().isTombstone()).isTrue();
        assertThat(again.liveKeys()).isEqualTo(1);
        assertThat(again.tombstones()).isEqualTo(1);
        assertThat(fresh.now()).isGreaterThan(future);
    }

    @Test
    void wantsOnlyNewerVersions() {
        LocalStore s = open(false);
        byte[] v1 = new Version(1, "n1").encode();
        byte[] v2 = new Version(2, "n1").encode();
        assertThat(s.wants(k("a"), null, v1)).isTrue();
        assertThat(s.wants(k("a"), v1, v2)).isTrue();
        assertThat(s.wants(k("a"), v2, v1)).isFalse();
        assertThat(s.wants(k("a"), v2, v2)).isFalse();
    }
}
