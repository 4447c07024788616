package io.grapevine.ring.internal;

import io.grapevine.ring.RingConfig;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Enforces the load cap on a natural (pure rendezvous) placement. Within each zone, every member
 * may hold at most {@code cap} replica slots; a member over the cap keeps its highest-scoring
 * slots and gives up the rest, and each given-up slot goes to the partition's next-best member of
 * the same zone, which may in turn give up its worst slot (deferred acceptance, with partitions
 * proposing). The outcome is the partition-optimal stable assignment, a function of the natural
 * placement alone: no history, and no change at all while nobody exceeds the cap.
 */
final class LoadCap {
    private static final double AUTOMATIC_DEVIATIONS = RingConfig.AUTOMATIC_CAP_DEVIATIONS;
    private static final int NEAR_CAP = 3;

    private final Owners owners;
    private final int q;
    private final int width;
    private final int[] natural;
    private final int[] table;
    private final int[] load;
    private final int[] cap;
    private final SlotHeap[] heaps;
    private final IntList[] accepted;
    private final Map<Long, long[]> pointers = new HashMap<>();
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final boolean[] touched;
    private IntList[] nearCap;

    private LoadCap(Owners owners, int q, int width, int[] natural, int[] table, int[] load, int[] cap) {
        this.owners = owners;
        this.q = q;
        this.width = width;
        this.natural = natural;
        this.table = table;
        this.load = load;
        this.cap = cap;
        this.heaps = new SlotHeap[owners.size()];
        this.accepted = new IntList[owners.size()];
        this.touched = new boolean[q];
    }

    /**
     * @param owners        the owners
     * @param q             partitions
     * @param width         replicas per partition
     * @param natural       the natural placement ({@code q * width} owner indexes, best first)
     * @param maxLoadFactor the cap relative to the zone mean (finite), or NaN for the automatic
     *                      cap of {@code mean + 2.25 sqrt(mean)}
     * @return the capped placement, best first in each partition; {@code natural} itself when no
     *         member exceeds the cap
     */
    static int[] apply(Owners owners, int q, int width, int[] natural, double maxLoadFactor) {
        int zones = owners.zoneCount();
        int[] zoneSlots = new int[zones];
        int[] load = new int[owners.size()];
        for (int m : natural) {
            load[m]++;
            zoneSlots[owners.zone(m)]++;
        }
        int[] cap = new int[zones];
        for (int z = 0; z < zones; z++) {
            int members = owners.zoneMembers(z).length;
            long even = ((long) zoneSlots[z] + members - 1) / members; // the fewest that fit
            double mean = zoneSlots[z] / (double) members;
            long allowed = (long) Math.floor(Double.isNaN(maxLoadFactor)
                ? mean + AUTOMATIC_DEVIATIONS * Math.sqrt(mean)
                : maxLoadFactor * mean);
            cap[z] = (int) Math.min(Integer.MAX_VALUE, Math.max(even, allowed));
        }
        boolean over = false;
        for (int m = 0; m < load.length && !over; m++) {
            over = load[m] > cap[owners.zone(m)];
        }
        if (!over) {
            return natural;
        }
        LoadCap run = new LoadCap(owners, q, width, natural, natural.clone(), load, cap);
        run.enforce();
        return run.table;
    }

    private void enforce() {
        indexNearCap();
        for (int m = 0; m < load.length; m++) {
            if (load[m] > cap[owners.zone(m)]) {
                SlotHeap heap = heap(m);
                while (heap.size() > cap[owners.zone(m)]) {
                    vacate(heap.popMin());
                }
                load[m] = heap.size();
            }
        }
        IntList vacant = new IntList();
        while (!queue.isEmpty()) {
            int slot = queue.poll();
            if (!propose(slot)) {
                vacant.add(slot);
            }
        }
        for (int i = 0; i < vacant.size(); i++) {
            fillIgnoringCap(vacant.get(i));
        }
        for (int p = 0; p < q; p++) {
            if (touched[p]) {
                sortPartition(p);
            }
        }
    }

    /** One proposal of the partition owning {@code slot} to its next-best member of the slot's zone. */
    private boolean propose(int slot) {
        int p = slot / width;
        int z = owners.zone(natural[slot]);
        long[] ptr = pointer(p, z);
        long[] seeds = owners.seeds();
        int next = -1;
        long nextScore = 0;
        for (int m : owners.zoneMembers(z)) {
            long s = Scores.score(seeds[m], p);
            if (Scores.better(ptr[0], (int) ptr[1], s, m)
                && (next < 0 || Scores.better(s, m, nextScore, next))) {
                next = m;
                nextScore = s;
            }
        }
        if (next < 0) {
            return false; // every member of the zone refused: filled later, ignoring the cap
        }
        ptr[0] = nextScore;
        ptr[1] = next;
        if (load[next] < cap[z]) {
            take(next, nextScore, slot);
            load[next]++;
            return true;
        }
        SlotHeap heap = heap(next);
        if (heap.below(nextScore, slot)) {
            queue.add(slot); // refused: propose further down next time
            return true;
        }
        vacate(heap.popMin());
        take(next, nextScore, slot);
        return true;
    }

    private void take(int m, long score, int slot) {
        table[slot] = m;
        touched[slot / width] = true;
        if (heaps[m] != null) {
            heaps[m].push(score, slot);
        } else {
            if (accepted[m] == null) {
                accepted[m] = new IntList();
            }
            accepted[m].add(slot);
        }
    }

    private void vacate(int slot) {
        table[slot] = -1;
        touched[slot / width] = true;
        queue.add(slot);
    }

    /** The lowest-ranked member of zone {@code z} that partition {@code p} has proposed to so far. */
    private long[] pointer(int p, int z) {
        return pointers.computeIfAbsent((long) p * owners.zoneCount() + z, k -> {
            long[] seeds = owners.seeds();
            long[] ptr = null;
            for (int r = 0; r < width; r++) {
                int m = natural[p * width + r];
                if (owners.zone(m) == z) {
                    long s = Scores.score(seeds[m], p);
                    if (ptr == null || Scores.better(ptr[0], (int) ptr[1], s, m)) {
                        ptr = new long[] {s, m};
                    }
                }
            }
            return ptr;
        });
    }

    /** A member's heap, built on first need from the slots it holds. */
    private SlotHeap heap(int m) {
        SlotHeap heap = heaps[m];
        if (heap == null) {
            heap = new SlotHeap(width);
            long seed = owners.seed(m);
            // A member loses no natural slot before it has a heap, so its natural slots are all held.
            IntList mine = nearCap[m];
            if (mine != null) {
                for (int i = 0; i < mine.size(); i++) {
                    heap.push(Scores.score(seed, mine.get(i) / width), mine.get(i));
                }
            } else {
                for (int slot = 0; slot < natural.length; slot++) {
                    if (natural[slot] == m) {
                        heap.push(Scores.score(seed, slot / width), slot);
                    }
                }
            }
            IntList extra = accepted[m];
            for (int i = 0; extra != null && i < extra.size(); i++) {
                int slot = extra.get(i);
                heap.push(Scores.score(seed, slot / width), slot);
            }
            accepted[m] = null;
            heaps[m] = heap;
        }
        return heap;
    }

    /**
     * Collects, in one pass, the natural slots of every member at or near its cap: those are the
     * ones likely to need a heap. Any other member that later fills up is scanned for on its own.
     */
    private void indexNearCap() {
        nearCap = new IntList[owners.size()];
        for (int m = 0; m < load.length; m++) {
            if (load[m] >= cap[owners.zone(m)] - NEAR_CAP) {
                nearCap[m] = new IntList();
            }
        }
        for (int slot = 0; slot < natural.length; slot++) {
            IntList list = nearCap[natural[slot]];
            if (list != null) {
                list.add(slot);
            }
        }
    }

    /** The rare slot nobody in its zone could take under the cap: best free member, cap ignored. */
    private void fillIgnoringCap(int slot) {
        int p = slot / width;
        int z = owners.zone(natural[slot]);
        int pick = bestFree(p, owners.zoneMembers(z));
        if (pick < 0) {
            int[] all = new int[owners.size()];
            Arrays.setAll(all, i -> i);
            pick = bestFree(p, all);
        }
        table[slot] = pick;
        load[pick]++;
    }

    private int bestFree(int p, int[] candidates) {
        int pick = -1;
        long pickScore = 0;
        for (int m : candidates) {
            if (holds(p, m)) {
                continue;
            }
            long s = Scores.score(owners.seed(m), p);
            if (pick < 0 || Scores.better(s, m, pickScore, pick)) {
                pick = m;
                pickScore = s;
            }
        }
        return pick;
    }

    private boolean holds(int p, int m) {
        for (int r = 0; r < width; r++) {
            if (table[p * width + r] == m) {
                return true;
            }
        }
        return false;
    }

    private void sortPartition(int p) {
        int off = p * width;
        for (int i = 1; i < width; i++) {
            int m = table[off + i];
            long s = Scores.score(owners.seed(m), p);
            int j = i;
            while (j > 0) {
                int prev = table[off + j - 1];
                if (!Scores.better(s, m, Scores.score(owners.seed(prev), p), prev)) {
                    break;
                }
                table[off + j] = prev;
                j--;
            }
            table[off + j] = m;
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[4];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return size;
        }
    }
}
