package io.grapevine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokensTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void matchesTokensComputedByCassandra() {
        // Published as Cassandra Murmur3Partitioner results by the DataStax C# driver's tests.
        assertThat(Tokens.of(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))).isEqualTo(-5563837382979743776L);
        assertThat(Tokens.of(bytes(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))).isEqualTo(-1513403162740402161L);
        assertThat(Tokens.of(repeat(0, 16))).isEqualTo(5457549051747178710L);
        assertThat(Tokens.of(repeat(255, 16))).isEqualTo(-2824192546314762522L);
        assertThat(Tokens.of(bytes(0, 0, 0, 0))).isEqualTo(-3485513579396041028L);
        assertThat(Tokens.of(bytes(0, 1, 127, 127))).isEqualTo(6573459401642635627L);
    }

    @Test
    void signExtendsTailBytesAsCassandraDoes() {
        // Tails holding bytes >= 0x80: here Cassandra differs from reference Murmur3, and we follow it.
        assertThat(Tokens.of(repeat(254, 4))).isEqualTo(4566408979886474012L);
        assertThat(Tokens.of(bytes(0, 255, 255, 255))).isEqualTo(123573637386978882L);
        assertThat(Tokens.of(bytes(255, 1, 2, 3))).isEqualTo(-2839127690952877842L);
        assertThat(Tokens.of(bytes(226, 231))).isEqualTo(-8582699461035929883L);
        assertThat(Tokens.of(bytes(226, 231, 226, 231, 226, 231, 1))).isEqualTo(2222373981930033306L);
        assertThat(Tokens.of(repeat(254, 17))).isEqualTo(-1672437813826982685L);
    }

    @Test
    void equalsReferenceMurmur3ForKeysWithoutHighTailBytes() {
        Random random = new Random(7);
        for (int len = 0; len < 80; len++) {
            byte[] key = new byte[len];
            for (int i = 0; i < len; i++) {
                key[i] = (byte) random.nextInt(128);
            }
            long reference = Hashing.murmur3_128().hashBytes(key).asLong();
            long expected = reference == Long.MIN_VALUE ? Long.MAX_VALUE : reference;
            assertThat(Tokens.of(key)).as("length %d", len).isEqualTo(expected);
        }
    }

    @Test
    void hashesSlicesAndStringsLikeWholeArrays() {
        byte[] key = "user:42".getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[key.length + 6];
        System.arraycopy(key, 0, padded, 3, key.length);
        assertThat(Tokens.of(padded, 3, key.length)).isEqualTo(Tokens.of(key));
        assertThat(Tokens.of("user:42")).isEqualTo(Tokens.of(key));
        assertThatThrownBy(() -> Tokens.of(padded, 5, key.length + 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
