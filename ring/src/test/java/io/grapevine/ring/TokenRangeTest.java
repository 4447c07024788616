package io.grapevine.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenRangeTest {

    @Test
    void plainRangeExcludesStartAndIncludesEnd() {
        TokenRange r = new TokenRange(10, 20);
        assertThat(r.contains(10)).isFalse();
        assertThat(r.contains(11)).isTrue();
        assertThat(r.contains(20)).isTrue();
        assertThat(r.contains(21)).isFalse();
    }

    @Test
    void wrappingRangeHoldsBothEnds() {
        TokenRange r = new TokenRange(Long.MAX_VALUE - 5, Long.MIN_VALUE + 5);
        assertThat(r.contains(Long.MAX_VALUE)).isTrue();
        assertThat(r.contains(Long.MIN_VALUE)).isTrue();
        assertThat(r.contains(Long.MIN_VALUE + 5)).isTrue();
        assertThat(r.contains(Long.MIN_VALUE + 6)).isFalse();
        assertThat(r.contains(Long.MAX_VALUE - 5)).isFalse();
        assertThat(r.contains(0)).isFalse();
    }

    @Test
    void equalStartAndEndIsTheWholeRing() {
        TokenRange full = new TokenRange(42, 42);
        assertThat(full.isFull()).isTrue();
        assertThat(full.contains(42)).isTrue();
        assertThat(full.contains(Long.MIN_VALUE)).isTrue();
        assertThat(full.fraction()).isEqualTo(1.0);
        assertThat(TokenRange.FULL.contains(new TokenRange(1, 2))).isTrue();
        assertThat(new TokenRange(1, 2).contains(TokenRange.FULL)).isFalse();
    }

    @Test
    void rangeContainmentHandlesWrapping() {
        TokenRange wrap = new TokenRange(100, -100);
        assertThat(wrap.contains(new TokenRange(200, 300))).isTrue();
        assertThat(wrap.contains(new TokenRange(Long.MAX_VALUE - 1, Long.MIN_VALUE + 1))).isTrue();
        assertThat(wrap.contains(new TokenRange(100, -100))).isTrue();
        assertThat(wrap.contains(new TokenRange(99, 200))).isFalse();
        assertThat(wrap.contains(new TokenRange(-200, -99))).isFalse();
        assertThat(wrap.contains(new TokenRange(0, 1))).isFalse();
        assertThat(new TokenRange(0, 10).contains(new TokenRange(0, 10))).isTrue();
        assertThat(new TokenRange(0, 10).contains(new TokenRange(2, 5))).isTrue();
        assertThat(new TokenRange(0, 10).contains(new TokenRange(5, 11))).isFalse();
    }

    @Test
    void fractionMeasuresTheShareOfTheTokenSpace() {
        assertThat(new TokenRange(0, Long.MAX_VALUE).fraction()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new TokenRange(Long.MIN_VALUE, 0).fraction()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new TokenRange(-1, 0).fraction()).isEqualTo(0x1p-64);
    }

    @Test
    void sortsByEndThenStart() {
        List<TokenRange> ranges = new ArrayList<>(List.of(
            new TokenRange(5, 30), new TokenRange(Long.MAX_VALUE, -50), new TokenRange(1, 30), new TokenRange(30, 40)));
        Collections.sort(ranges);
        assertThat(ranges).containsExactly(
            new TokenRange(Long.MAX_VALUE, -50), new TokenRange(1, 30), new TokenRange(5, 30), new TokenRange(30, 40));
    }
}
