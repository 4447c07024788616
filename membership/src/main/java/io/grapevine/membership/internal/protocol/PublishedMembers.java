package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The members as the outside world may read them from any thread: each record's latest snapshot
 * in an array slot that the record remembers, so that publishing a change is one array write and
 * costs no map entry per member (every node of a large simulated cluster publishes every member).
 * Written only on the protocol worker; read from anywhere. A reader that runs while the array
 * grows may miss the changes made during that moment, as an iterator of a concurrent map may.
 */
public final class PublishedMembers {
    private volatile AtomicReferenceArray<Member> slots = new AtomicReferenceArray<>(16);
    private int[] free = new int[16];
    private int freeCount;
    private int used;

    /**
     * Publishes the record's current snapshot (replacing its previous one).
     *
     * @param record a member's record
     */
    public void put(NodeRecord record) {
        if (record.slot < 0) {
            record.slot = allocate();
        }
        slots.set(record.slot, record.toMember());
    }

    /**
     * Takes a record's snapshot away.
     *
     * @param record a member's record
     */
    public void remove(NodeRecord record) {
        int slot = record.slot;
        if (slot < 0) {
            return;
        }
        slots.set(slot, null);
        record.slot = -1;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }

    /** @return every published snapshot, in no particular order */
    public List<Member> snapshot() {
        AtomicReferenceArray<Member> s = slots;
        List<Member> out = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); i++) {
            Member m = s.get(i);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    private int allocate() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        AtomicReferenceArray<Member> s = slots;
        if (used == s.length()) {
            AtomicReferenceArray<Member> bigger = new AtomicReferenceArray<>(s.length() * 2);
            for (int i = 0; i < s.length(); i++) {
                bigger.set(i, s.get(i));
            }
            slots = bigger;
        }
        return used++;
    }
}
