package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    @Test
    void percentEncodingRoundTripsArbitraryBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[1 + random.nextInt(40)];
            random.nextBytes(key);
            assertThat(KeyCodec.percentDecode(KeyCodec.percentEncode(key))).isEqualTo(key);
        }
    }

    @Test
    void plusAndSlashAreLiteralInPaths() {
        assertThat(KeyCodec.percentDecode("a+b/c%2Fd")).isEqualTo("a+b/c/d".getBytes(StandardCharsets.UTF_8));
        assertThat(KeyCodec.percentDecode("caf%C3%A9")).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void malformedEscapesAreErrors() {
        assertThatThrownBy(() -> KeyCodec.percentDecode("abc%2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyCodec.percentDecode("abc%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyCodec.unhex("xyz")).isInstanceOf(IllegalArgumentException.class);
    }
}
