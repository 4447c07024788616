package io.grapevine.repair.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.repair.RepairProtocolException;
import io.grapevine.ring.TokenRange;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The bucket tree, range layouts, frame decoding and the rate limiter in isolation. */
class TreeAndCodecTest {

    @Test
    void aRangesTreeHashEqualsTheXorOfItsEntriesForAnyRangeAndDepth() {
        Random r = new Random(11);
        BucketTree tree = new BucketTree(12);
        long[] tokens = new long[5000];
        long[] hashes = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 10 == 0 ? Long.MAX_VALUE - i : r.nextLong();
            hashes[i] = r.nextLong();
            tree.fold(tokens[i], hashes[i]);
        }
        for (int trial = 0; trial < 400; trial++) {
            long s = r.nextLong();
            long e = switch (trial % 4) {
                case 0 -> s;                                   // whole ring
                case 1 -> s + (r.nextLong() >>> 20);           // short, may wrap
                default -> r.nextLong();
            };
            TokenRange range = new TokenRange(s, e);
            int depth = 1 + r.nextInt(12);
            RangeLayout layout = RangeLayout.of(range, depth);
            long expected = 0;
            for (int i = 0; i < tokens.length; i++) {
                if (range.contains(tokens[i])) {
                    expected ^= hashes[i];
                }
            }
            long first = 0;
            long last = 0;
            long covered = 0;
            for (int p = 0; p < layout.pieces(); p++) {
                TokenRange piece = layout.piece(p);
                assertThat(piece.start()).isLessThan(piece.end());
                long h = 0;
                for (int i = 0; i < tokens.length; i++) {
                    if (piece.contains(tokens[i])) {
                        h ^= hashes[i];
                        assertThat(range.contains(tokens[i])).isTrue();
                        covered ^= hashes[i];
                    }
                }
                if (p == 0) {
                    first = h;
                }
                if (p == layout.pieces() - 1) {
                    last = h;
                }
            }
            assertThat(covered).as("pieces cover the range exactly once").isEqualTo(expected);
            assertThat(layout.hash(tree, 0, layout.pieces(), first, last)).as("range %s depth %d", range, depth)
                    .isEqualTo(expected);
        }
    }

    @Test
    void foldingTheSameDeltaTwiceCancelsOut() {
        BucketTree tree = new BucketTree(8);
        tree.fold(42, 0x1234);
        assertThat(tree.root()).isEqualTo(0x1234);
        tree.fold(42, 0x1234);
        assertThat(tree.root()).isZero();
        assertThat(tree.xor(8, 0, 255)).isZero();
    }

    @Test
    void malformedPayloadsOnlyEverRaiseProtocolErrors() {
        Random r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            In in = new In(junk, "fuzz");
            try {
                switch (i % 6) {
                    case 0 -> Codec.readBits(in);
                    case 1 -> Codec.readHashes(in);
                    case 2 -> Codec.readUnits(in);
                    case 3 -> Codec.readDigests(in);
                    case 4 -> Codec.readWants(in);
                    default -> Codec.readEntries(in);
                }
            } catch (RepairProtocolException expected) {
                // the only acceptable failure
            }
        }
        assertThatThrownBy(() -> Frame.decodeBody(new byte[] {99})).isInstanceOf(RepairProtocolException.class)
                .hasMessageContaining("unknown frame type");
        assertThatThrownBy(() -> Codec.readHashes(new In(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}, "HASHES")))
                .isInstanceOf(RepairProtocolException.class).hasMessageContaining("out of bounds");
    }

    @Test
    void framesNeverExceedTheirTarget() {
        LongList hashes = new LongList();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(i);
        }
        for (Frame f : Codec.hashes(hashes, 4096)) {
            assertThat(f.payload().length).isLessThanOrEqualTo(4096);
            assertThat(Codec.readHashes(new In(f.payload(), "HASHES")).length).isPositive();
        }
    }

    @Test
    void theRateLimiterSpacesSendsByTheirCost() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        RateLimiter limiter = new RateLimiter(1_000_000, time); // 1 MB/s
        boolean[] done = new boolean[3];
        for (int i = 0; i < 3; i++) {
            int k = i;
            limiter.acquire(100_000).subscribe(v -> { }, e -> { }, () -> done[k] = true);
        }
        assertThat(done[0]).isTrue();                 // the first one goes at once
        assertThat(done[1]).isFalse();
        time.advanceTimeBy(Duration.ofMillis(99));    // 100 KB at 1 MB/s = 100 ms
        assertThat(done[1]).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(done[1]).isTrue();
        assertThat(done[2]).isFalse();
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(done[2]).isTrue();
        time.dispose();
    }
}
