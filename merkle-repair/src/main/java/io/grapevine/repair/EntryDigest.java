package io.grapevine.repair;

import io.grapevine.repair.internal.EntryHash;
import io.grapevine.ring.Tokens;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a replica knows about an entry without its value: the key and its version. Two replicas
 * hold the same write of a key exactly when their digests are equal, so the Merkle trees are built
 * over digests and values travel only for entries that differ.
 *
 * @param key     the key, 1..{@value Entry#MAX_KEY_BYTES} bytes
 * @param version the opaque version, 1..{@value Entry#MAX_VERSION_BYTES} bytes
 */
public record EntryDigest(byte[] key, byte[] version) {

    /** Validates the bounds the wire format relies on. */
    public EntryDigest {
        check(key, version);
    }

    static void check(byte[] key, byte[] version) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
        if (key.length == 0 || key.length > Entry.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must have 1.." + Entry.MAX_KEY_BYTES + " bytes: " + key.length);
        }
        if (version.length == 0 || version.length > Entry.MAX_VERSION_BYTES) {
            throw new IllegalArgumentException(
                    "version must have 1.." + Entry.MAX_VERSION_BYTES + " bytes: " + version.length);
        }
    }

    /** @return the token of the key ({@link Tokens#of(byte[])}), which orders scans */
    public long token() {
        return Tokens.of(key);
    }

    /**
     * The 64-bit hash the trees combine: a function of key and version only, identical on every
     * node, so equal digests hash equally everywhere.
     *
     * @return the hash of key and version
     */
    public long hash() {
        return EntryHash.of(key, version);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryDigest d && Arrays.equals(key, d.key) && Arrays.equals(version, d.version);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(version);
    }

    @Override
    public String toString() {
        return "EntryDigest[key=" + Bytes.show(key) + ", version=" + Bytes.show(version) + "]";
    }
}
