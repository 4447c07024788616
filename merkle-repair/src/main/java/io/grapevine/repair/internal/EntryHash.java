package io.grapevine.repair.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit hash of an entry digest (key and version). Trees combine these with XOR, which is
 * what lets a write update a bucket in O(1) without rescanning it; XOR combining is only as good
 * as the spread of the inputs, so every output goes through a full 64-bit avalanche. Not
 * cryptographic: replicas trust each other, and an accidental collision has probability 2^-64.
 */
public final class EntryHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;
    private static final long M3 = 0x165667B19E3779F9L;

    private EntryHash() {
    }

    /**
     * @param key     key bytes
     * @param version version bytes
     * @return the hash of the pair; lengths are mixed in so no two splits of the same bytes collide
     */
    public static long of(byte[] key, byte[] version) {
        long h = absorb(M3 ^ ((long) key.length << 32 | version.length), key);
        h = absorb(h * M1 + M2, version);
        return avalanche(h);
    }

    private static long absorb(long h, byte[] b) {
        int i = 0;
        int n = b.length;
        for (; i + 8 <= n; i += 8) {
            h = step(h, (long) LONGS.get(b, i));
        }
        if (i < n) {
            long tail = 0;
            for (int s = 0; i < n; i++, s += 8) {
                tail |= (b[i] & 0xFFL) << s;
            }
            h = step(h, tail ^ 0xA5L << 56);
        }
        return h;
    }

    private static long step(long h, long word) {
        long k = Long.rotateLeft(word * M2, 31) * M1;
        return Long.rotateLeft(h ^ k, 27) * M1 + M3;
    }

    /** A bijective 64-bit finalizer: every input bit affects every output bit. */
    static long avalanche(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
