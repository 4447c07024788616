package io.grapevine.kv.internal;

import io.grapevine.repair.Entry;
import io.grapevine.ring.Tokens;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The on-disk (and in-memory) layout of the store's map. Keys are {@code token(8) | key}: the
 * key's ring token with the sign bit flipped, big-endian, then the key, so that the map's order
 * is token order and a token range is one contiguous slice. Values are
 * {@code flags(1) | versionLength(1) | version | value}, flag bit 0 marking a tombstone.
 */
final class StoredValue {
    private static final byte TOMBSTONE = 1;

    private StoredValue() {
    }

    /** @return the map key of a user key */
    static byte[] mapKey(byte[] key) {
        return ByteBuffer.allocate(8 + key.length).putLong(Tokens.of(key) ^ Long.MIN_VALUE).put(key).array();
    }

    /**
     * @param token a token
     * @return the smallest map key of any user key whose token is greater than {@code token}, or
     *         null when there is none ({@code token} is the largest)
     */
    static byte[] after(long token) {
        if (token == Long.MAX_VALUE) {
            return null;
        }
        return ByteBuffer.allocate(8).putLong((token + 1) ^ Long.MIN_VALUE).array();
    }

    /** @return the user key of a map key */
    static byte[] userKey(byte[] mapKey) {
        return Arrays.copyOfRange(mapKey, 8, mapKey.length);
    }

    /** @return the stored form of a value (null: tombstone) and its version */
    static byte[] encode(byte[] value, byte[] version) {
        int length = 2 + version.length + (value == null ? 0 : value.length);
        ByteBuffer b = ByteBuffer.allocate(length)
            .put(value == null ? TOMBSTONE : 0)
            .put((byte) version.length)
            .put(version);
        if (value != null) {
            b.put(value);
        }
        return b.array();
    }

    static boolean isTombstone(byte[] stored) {
        return (stored[0] & TOMBSTONE) != 0;
    }

    static byte[] version(byte[] stored) {
        int n = stored[1] & 0xff;
        return Arrays.copyOfRange(stored, 2, 2 + n);
    }

    /** Compares the stored version with another without copying it out. */
    static int compareVersion(byte[] stored, byte[] version) {
        int n = stored[1] & 0xff;
        return Arrays.compareUnsigned(stored, 2, 2 + n, version, 0, version.length);
    }

    static byte[] value(byte[] stored) {
        if (isTombstone(stored)) {
            return null;
        }
        int n = stored[1] & 0xff;
        return Arrays.copyOfRange(stored, 2 + n, stored.length);
    }

    static Entry entry(byte[] userKey, byte[] stored) {
        return new Entry(userKey, value(stored), version(stored));
    }
}
