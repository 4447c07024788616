package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void encodingRoundTrips() {
        Version v = new Version(123_456_789L << 16 | 3, "n10");
        assertThat(Version.decode(v.encode())).isEqualTo(v);
        assertThat(v.toString()).isEqualTo("123456789.3@n10");
    }

    @Test
    void encodedOrderIsTimestampThenNodeName() {
        Random random = new Random(7);
        List<Version> versions = new ArrayList<>();
        String[] names = {"n1", "n10", "n2", "a", "node-x", "n1x"};
        for (int i = 0; i < 200; i++) {
            versions.add(new Version(random.nextInt(5), names[random.nextInt(names.length)]));
        }
        Comparator<Version> expected = Comparator.comparingLong(Version::timestamp)
            .thenComparing(v -> v.node().getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned);
        for (Version a : versions) {
            for (Version b : versions) {
                assertThat(Integer.signum(Version.compareEncoded(a.encode(), b.encode())))
                    .as("%s vs %s", a, b).isEqualTo(Integer.signum(expected.compare(a, b)));
            }
        }
    }

    @Test
    void malformedEncodingsAreRejected() {
        assertThatThrownBy(() -> Version.decode(new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Version.decode(new byte[8 + 129])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Version(1, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
