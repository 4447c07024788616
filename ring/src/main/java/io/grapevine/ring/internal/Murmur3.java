package io.grapevine.ring.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The first 64 bits of MurmurHash3 x64 128-bit with seed 0, bit for bit as Cassandra's
 * {@code Murmur3Partitioner} computes them, so that our tokens can be compared with a Cassandra
 * cluster's. Cassandra widens the tail bytes (the last {@code length % 16}) with sign extension,
 * unlike the reference C code; keys whose tail holds a byte >= 0x80 therefore hash differently
 * from other Murmur3 libraries, and we follow Cassandra.
 */
public final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Murmur3() {
    }

    /**
     * @param data   the bytes
     * @param offset where the key starts
     * @param length the key's length
     * @return the first 64 bits of the 128-bit hash
     */
    public static long hash64(byte[] data, int offset, int length) {
        long h1 = 0;
        long h2 = 0;
        int pos = offset;
        int end = offset + (length & ~15);
        while (pos < end) {
            long k1 = (long) LONG_LE.get(data, pos);
            long k2 = (long) LONG_LE.get(data, pos + 8);
            pos += 16;
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = length & 15;
        if (tail > 0) {
            long k1 = 0;
            long k2 = 0;
            for (int i = tail - 1; i >= 8; i--) {
                k2 ^= ((long) data[pos + i]) << ((i - 8) << 3); // sign-extended, as Cassandra
            }
            for (int i = Math.min(tail, 8) - 1; i >= 0; i--) {
                k1 ^= ((long) data[pos + i]) << (i << 3);
            }
            if (tail > 8) {
                h2 ^= mixK2(k2);
            }
            h1 ^= mixK1(k1);
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        return h1 + h2;
    }

    /**
     * Murmur3's 64-bit finaliser: a bijection whose every output bit depends on every input bit.
     *
     * @param k the input
     * @return the mixed value
     */
    public static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    private static long mixK1(long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        return k1 * C2;
    }

    private static long mixK2(long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        return k2 * C1;
    }
}
