package io.grapevine.ring;

import io.grapevine.ring.internal.Murmur3;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Hashes keys to 64-bit ring tokens, exactly as Cassandra's {@code Murmur3Partitioner} does: the
 * first 64 bits of MurmurHash3 x64 128-bit (seed 0), with {@link Long#MIN_VALUE} replaced by
 * {@link Long#MAX_VALUE}. Tokens of the same key are therefore equal here and in Cassandra
 * ({@code SELECT token(k)}), which helps when moving data between the two. One difference: an
 * empty key hashes to 0 here, where Cassandra reserves the minimum token for it.
 */
public final class Tokens {
    private Tokens() {
    }

    /**
     * @param key the key's bytes
     * @return the key's token, never {@link Long#MIN_VALUE}
     */
    public static long of(byte[] key) {
        Objects.requireNonNull(key, "key");
        return normalise(Murmur3.hash64(key, 0, key.length));
    }

    /**
     * @param key    a buffer holding the key
     * @param offset where the key starts
     * @param length the key's length
     * @return the token of those bytes, never {@link Long#MIN_VALUE}
     */
    public static long of(byte[] key, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, key.length);
        return normalise(Murmur3.hash64(key, offset, length));
    }

    /**
     * @param key a key, hashed as its UTF-8 bytes
     * @return the token of the key's UTF-8 encoding
     */
    public static long of(String key) {
        return of(key.getBytes(StandardCharsets.UTF_8));
    }

    private static long normalise(long hash) {
        // Cassandra keeps the minimum token out of the key space; so do we, to stay comparable.
        return hash == Long.MIN_VALUE ? Long.MAX_VALUE : hash;
    }
}
