package io.grapevine.repair;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored entry as the repair protocol moves it: key, value and the opaque version that the
 * store's merge rule understands. A {@code null} value is a tombstone: deletions are repaired like
 * writes, so a replica that missed a delete learns it instead of resurrecting the old value.
 *
 * <p>Arrays are not copied (entries are moved in bulk); callers must not mutate them afterwards.
 *
 * @param key     the key, 1..{@value #MAX_KEY_BYTES} bytes
 * @param value   the value, or {@code null} for a tombstone
 * @param version the version, 1..{@value #MAX_VERSION_BYTES} bytes, unique per write of a key
 */
public record Entry(byte[] key, byte[] value, byte[] version) {

    /** Largest key the protocol carries; bounds every frame that names keys. */
    public static final int MAX_KEY_BYTES = 65_535;
    /** Largest version the protocol carries. */
    public static final int MAX_VERSION_BYTES = 255;

    /** Validates the bounds the wire format relies on. */
    public Entry {
        EntryDigest.check(key, version);
    }

    /**
     * @param key     the key
     * @param version the version of the delete
     * @return a tombstone entry
     */
    public static Entry tombstone(byte[] key, byte[] version) {
        return new Entry(key, null, version);
    }

    /** @return whether this entry records a deletion */
    public boolean isTombstone() {
        return value == null;
    }

    /** @return the digest of this entry: key and version, without the value */
    public EntryDigest digest() {
        return new EntryDigest(key, version);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value)
                && Arrays.equals(version, e.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), Arrays.hashCode(version));
    }

    @Override
    public String toString() {
        return "Entry[key=" + Bytes.show(key) + ", value=" + (value == null ? "<tombstone>" : value.length + " bytes")
                + ", version=" + Bytes.show(version) + "]";
    }
}
