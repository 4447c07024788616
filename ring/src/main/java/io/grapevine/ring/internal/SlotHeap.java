package io.grapevine.ring.internal;

import java.util.Arrays;

/**
 * The ranges one member holds while the load cap is enforced, as a min-heap keyed by the member's
 * score for each: the root is the range the member would give up first (lowest score; among equal
 * scores the higher partition).
 */
final class SlotHeap {
    private final int width;
    private long[] score = new long[8];
    private int[] slot = new int[8];
    private int size;

    /** @param width replicas per partition, to turn a slot into its partition */
    SlotHeap(int width) {
        this.width = width;
    }

    int size() {
        return size;
    }

    long minScore() {
        return score[0];
    }

    int minSlot() {
        return slot[0];
    }

    /** @return whether (s, sl) ranks below the root, i.e. the member prefers the root's range */
    boolean below(long s, int sl) {
        return less(s, sl, score[0], slot[0]);
    }

    void push(long s, int sl) {
        if (size == score.length) {
            score = Arrays.copyOf(score, size * 2);
            slot = Arrays.copyOf(slot, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(s, sl, score[parent], slot[parent])) {
                break;
            }
            score[i] = score[parent];
            slot[i] = slot[parent];
            i = parent;
        }
        score[i] = s;
        slot[i] = sl;
    }

    /** @return the slot of the removed root */
    int popMin() {
        int top = slot[0];
        size--;
        if (size > 0) {
            long s = score[size];
            int sl = slot[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && less(score[child + 1], slot[child + 1], score[child], slot[child])) {
                    child++;
                }
                if (!less(score[child], slot[child], s, sl)) {
                    break;
                }
                score[i] = score[child];
                slot[i] = slot[child];
                i = child;
            }
            score[i] = s;
            slot[i] = sl;
        }
        return top;
    }

    private boolean less(long sa, int slotA, long sb, int slotB) {
        return sa < sb || (sa == sb && slotA / width > slotB / width);
    }
}
