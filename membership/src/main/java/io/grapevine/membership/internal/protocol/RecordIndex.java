package io.grapevine.membership.internal.protocol;

import java.util.function.Function;

/**
 * Records by one key (name, or address), in an open-addressing table with linear probing: one
 * array slot and one byte per record instead of a hash map's entry object per record. Every node
 * indexes every member twice, so in a large cluster these indexes were a good part of the memory.
 * The byte is a fingerprint of the key's hash, so that a probe passing other keys reads only the
 * small fingerprint array, not the records behind it. Removal shifts the following entries back,
 * so lookups never meet tombstones. Touched only on the protocol worker.
 *
 * @param <K> the key type
 */
final class RecordIndex<K> {
    private static final int MIN_CAPACITY = 16;

    private final Function<NodeRecord, K> keyOf;
    private NodeRecord[] slots = new NodeRecord[MIN_CAPACITY];
    private byte[] fingerprints = new byte[MIN_CAPACITY];
    private int size;

    /** @param keyOf a record's key; must not change while the record is in the index */
    RecordIndex(Function<NodeRecord, K> keyOf) {
        this.keyOf = keyOf;
    }

    /**
     * @param key a key
     * @return the record with that key, or null
     */
    NodeRecord get(K key) {
        NodeRecord[] s = slots;
        byte[] f = fingerprints;
        int mask = s.length - 1;
        int h = mix(key.hashCode());
        byte fingerprint = fingerprint(h);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            NodeRecord r = s[i];
            if (r == null) {
                return null;
            }
            if (f[i] == fingerprint) {
                K k = keyOf.apply(r);
                if (k == key || key.equals(k)) {
                    return r;
                }
            }
        }
    }

    /**
     * Adds a record, replacing any record with the same key.
     *
     * @param record the record
     */
    void put(NodeRecord record) {
        if (4 * (size + 1) > 3 * slots.length) {
            resize(slots.length * 2);
        }
        K key = keyOf.apply(record);
        int h = mix(key.hashCode());
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            NodeRecord r = slots[i];
            if (r == null) {
                slots[i] = record;
                fingerprints[i] = fingerprint(h);
                size++;
                return;
            }
            if (fingerprints[i] == fingerprint(h) && key.equals(keyOf.apply(r))) {
                slots[i] = record;
                return;
            }
        }
    }

    /**
     * Removes a record, if it is the one indexed under its key.
     *
     * @param record the record
     */
    void remove(NodeRecord record) {
        int mask = slots.length - 1;
        int i = home(record, mask);
        while (slots[i] != record) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        // Shift back the entries after the hole whose home is not between the hole and them.
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = home(slots[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots[hole] = slots[j];
                fingerprints[hole] = fingerprints[j];
                slots[j] = null;
                hole = j;
            }
        }
        if (slots.length > MIN_CAPACITY && 8 * size < slots.length) {
            resize(slots.length / 2);
        }
    }

    /** @return how many records are indexed */
    int size() {
        return size;
    }

    private void resize(int capacity) {
        NodeRecord[] old = slots;
        byte[] oldFingerprints = fingerprints;
        slots = new NodeRecord[capacity];
        fingerprints = new byte[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < old.length; j++) {
            if (old[j] != null) {
                int i = home(old[j], mask);
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = old[j];
                fingerprints[i] = oldFingerprints[j];
            }
        }
    }

    private int home(NodeRecord record, int mask) {
        return mix(keyOf.apply(record).hashCode()) & mask;
    }

    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Bits of the mixed hash that the slot index (its low bits) does not use, for small tables. */
    private static byte fingerprint(int mixed) {
        return (byte) (mixed >>> 24);
    }
}
