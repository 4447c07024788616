package io.grapevine.repair;

import java.util.Objects;

/**
 * One change of the stored version of a key, as the store reports it after the change became
 * visible. The trees fold {@code hash(key, oldVersion) XOR hash(key, newVersion)} into one bucket,
 * so a write costs O(tree depth) and no rescan; this only works if {@code oldVersion} is exactly
 * the version the write replaced, which is why the store (which knows it atomically) reports it.
 *
 * @param key        the key
 * @param oldVersion the version replaced, or {@code null} when the key was absent
 * @param newVersion the version now stored, or {@code null} when the key was removed entirely
 *                   (for example a purged tombstone)
 */
public record Change(byte[] key, byte[] oldVersion, byte[] newVersion) {

    /** Requires a key and at least one version. */
    public Change {
        Objects.requireNonNull(key, "key");
        if (oldVersion == null && newVersion == null) {
            throw new IllegalArgumentException("a change needs an old or a new version");
        }
    }

    @Override
    public String toString() {
        return "Change[key=" + Bytes.show(key) + ", old=" + Bytes.show(oldVersion) + ", new=" + Bytes.show(newVersion) + "]";
    }
}
