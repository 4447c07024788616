package io.grapevine.ring.internal;

import java.util.Arrays;

/**
 * Picks a partition's uncapped ("natural") replicas: walk the owners from the highest rendezvous
 * score down, take each one whose zone still has room under the quota, stop at {@code width}.
 * When the zones are too small for the quota, the walk is finished with the best skipped owners.
 *
 * <p>The walk has the property that makes movement minimal: removing an owner it did not pick
 * changes nothing, so the natural replicas after a join are the walk over (the old replicas plus
 * the joiners), and a leave only re-walks the partitions the leaver held. Not thread-safe: it owns
 * scratch arrays.
 */
final class Selector {
    private final Owners owners;
    private final long[] seeds;
    private final int[] zone;
    private final long[][] zoneSeeds;
    private final int[][] zoneIndex;
    private final int width;
    private final int quota;
    private final boolean fallback;
    private final int zones;
    private final int perZone;
    private final long[] topScore;
    private final int[] topIndex;
    private final int[] topCount;
    private final int[] zoneTaken;
    private long[] candScore;
    private int[] candIndex;
    private boolean[] taken;

    Selector(Owners owners, Layout layout) {
        this.owners = owners;
        this.seeds = owners.seeds();
        this.zone = owners.zones();
        this.zoneIndex = new int[owners.zoneCount()][];
        this.zoneSeeds = new long[owners.zoneCount()][];
        for (int z = 0; z < zoneIndex.length; z++) {
            zoneIndex[z] = owners.zoneMembers(z);
            zoneSeeds[z] = new long[zoneIndex[z].length];
            for (int i = 0; i < zoneIndex[z].length; i++) {
                zoneSeeds[z][i] = seeds[zoneIndex[z][i]];
            }
        }
        this.width = layout.width();
        this.quota = layout.quota();
        this.fallback = layout.fallback();
        this.zones = owners.zoneCount();
        this.perZone = fallback ? width : quota;
        this.topScore = new long[zones * perZone];
        this.topIndex = new int[zones * perZone];
        this.topCount = new int[zones];
        this.zoneTaken = new int[zones];
        int maxCand = Math.max(1, zones * perZone);
        this.candScore = new long[maxCand];
        this.candIndex = new int[maxCand];
        this.taken = new boolean[maxCand];
    }

    /** Writes the natural replicas of {@code p} over all owners to {@code out[off .. off+width)}. */
    void selectAll(int p, int[] out, int off) {
        if (quota == 1 && !fallback) {
            selectOnePerZone(p, out, off);
            return;
        }
        Arrays.fill(topCount, 0);
        for (int m = 0; m < seeds.length; m++) {
            long s = Scores.score(seeds[m], p);
            int z = zone[m];
            int base = z * perZone;
            int c = topCount[z];
            if (c == perZone && !Scores.better(s, m, topScore[base + c - 1], topIndex[base + c - 1])) {
                continue;
            }
            int i = c == perZone ? c - 1 : c;
            while (i > 0 && Scores.better(s, m, topScore[base + i - 1], topIndex[base + i - 1])) {
                topScore[base + i] = topScore[base + i - 1];
                topIndex[base + i] = topIndex[base + i - 1];
                i--;
            }
            topScore[base + i] = s;
            topIndex[base + i] = m;
            if (c < perZone) {
                topCount[z] = c + 1;
            }
        }
        int n = 0;
        for (int z = 0; z < zones; z++) {
            for (int k = 0; k < topCount[z]; k++) {
                candScore[n] = topScore[z * perZone + k];
                candIndex[n] = topIndex[z * perZone + k];
                n++;
            }
        }
        walk(n, out, off);
    }

    /** The common case (at least RF zones, or RF 1): the best owner of each zone, then the best zones. */
    private void selectOnePerZone(int p, int[] out, int off) {
        long[] best = topScore;
        int[] bestIndex = topIndex;
        for (int z = 0; z < zones; z++) {
            long[] zs = zoneSeeds[z];
            long bs = Scores.score(zs[0], p);
            int bi = 0;
            for (int i = 1; i < zs.length; i++) {
                long s = Scores.score(zs[i], p);
                if (s > bs) { // ascending index: a tie keeps the lower one
                    bs = s;
                    bi = i;
                }
            }
            best[z] = bs;
            bestIndex[z] = zoneIndex[z][bi];
        }
        if (zones == width) {
            int n = 0;
            for (int z = 0; z < zones; z++) {
                candScore[n] = best[z];
                candIndex[n++] = bestIndex[z];
            }
            sortCandidates(n);
            System.arraycopy(candIndex, 0, out, off, width);
            return;
        }
        for (int r = 0; r < width; r++) {
            int pick = -1;
            for (int z = 0; z < zones; z++) {
                if (bestIndex[z] >= 0 && (pick < 0 || Scores.better(best[z], bestIndex[z], best[pick], bestIndex[pick]))) {
                    pick = z;
                }
            }
            out[off + r] = bestIndex[pick];
            bestIndex[pick] = -1;
        }
    }

    /**
     * Writes the natural replicas of {@code p} among the given owners only. Valid when the given
     * owners include every owner the full walk would pick (see the class comment).
     */
    void selectAmong(int p, int[] cand, int count, int[] out, int off) {
        ensureCandidates(count);
        for (int i = 0; i < count; i++) {
            candIndex[i] = cand[i];
            candScore[i] = Scores.score(seeds[cand[i]], p);
        }
        walk(count, out, off);
    }

    /**
     * The common join: one newcomer {@code x}, one replica per zone. With the partition's current
     * replicas {@code cur[0 .. width)} (best first), {@code x} displaces its zone's replica if it
     * outscores it, or else the last replica if its zone had none and it outscores that one.
     */
    void admit(int p, int[] cur, int x, int[] out, int off) {
        int zx = zone[x];
        int victim = width - 1;
        for (int r = 0; r < width; r++) {
            if (zone[cur[r]] == zx) {
                victim = r;
                break;
            }
        }
        long sx = Scores.score(seeds[x], p);
        int v = cur[victim];
        if (!Scores.better(sx, x, Scores.score(seeds[v], p), v)) {
            for (int r = 0; r < width; r++) { // a loop beats arraycopy's call for three ints
                out[off + r] = cur[r];
            }
            return;
        }
        // x replaces the victim; keep best-first order by sliding x up past weaker replicas.
        int pos = victim;
        while (pos > 0 && Scores.better(sx, x, Scores.score(seeds[cur[pos - 1]], p), cur[pos - 1])) {
            pos--;
        }
        int w = 0;
        for (int r = 0; r < width; r++) {
            if (r == pos) {
                out[off + w++] = x;
            }
            if (r != victim) {
                out[off + w++] = cur[r];
            }
        }
    }

    /** @return whether every partition has exactly one replica in each zone */
    boolean onePerEveryZone() {
        return quota == 1 && !fallback && zones == width;
    }

    /**
     * The common leave when {@link #onePerEveryZone()}: the replicas that stayed keep their places,
     * and each zone that lost its replica gets its best remaining member, then all are sorted.
     * {@code cur} holds the staying replicas and -1 for each lost one; {@code lostZone[r]} names
     * the zone of the replica lost at {@code r}.
     */
    void refill(int p, int[] cur, int[] lostZone, int[] out, int off) {
        for (int r = 0; r < width; r++) {
            if (cur[r] < 0) {
                long[] zs = zoneSeeds[lostZone[r]];
                long bs = Scores.score(zs[0], p);
                int bi = 0;
                for (int i = 1; i < zs.length; i++) {
                    long s = Scores.score(zs[i], p);
                    if (s > bs) {
                        bs = s;
                        bi = i;
                    }
                }
                cur[r] = zoneIndex[lostZone[r]][bi];
            }
            candIndex[r] = cur[r];
            candScore[r] = Scores.score(seeds[cur[r]], p);
        }
        sortCandidates(width);
        for (int r = 0; r < width; r++) {
            out[off + r] = candIndex[r];
        }
    }

    private void ensureCandidates(int count) {
        if (candScore.length < count) {
            candScore = new long[count];
            candIndex = new int[count];
            taken = new boolean[count];
        }
    }

    private void walk(int n, int[] out, int off) {
        sortCandidates(n);
        Arrays.fill(zoneTaken, 0);
        Arrays.fill(taken, 0, n, false);
        int got = 0;
        for (int i = 0; i < n && got < width; i++) {
            int z = zone[candIndex[i]];
            if (zoneTaken[z] < quota) {
                zoneTaken[z]++;
                taken[i] = true;
                got++;
            }
        }
        for (int i = 0; i < n && got < width; i++) {
            if (!taken[i]) { // zones too small: fill from any zone, best first
                taken[i] = true;
                got++;
            }
        }
        int w = 0;
        for (int i = 0; i < n && w < width; i++) {
            if (taken[i]) {
                out[off + w++] = candIndex[i];
            }
        }
        if (w != width) {
            throw new IllegalStateException("selected " + w + " of " + width + " replicas among "
                + n + " candidates of " + owners.size() + " owners");
        }
    }

    /** Insertion sort, best first: candidate lists are a handful long. */
    private void sortCandidates(int n) {
        for (int i = 1; i < n; i++) {
            long s = candScore[i];
            int m = candIndex[i];
            int j = i;
            while (j > 0 && Scores.better(s, m, candScore[j - 1], candIndex[j - 1])) {
                candScore[j] = candScore[j - 1];
                candIndex[j] = candIndex[j - 1];
                j--;
            }
            candScore[j] = s;
            candIndex[j] = m;
        }
    }
}
