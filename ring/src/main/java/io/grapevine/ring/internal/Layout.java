package io.grapevine.ring.internal;

/**
 * The zone rules for one owner set: how many replicas a range gets ({@code width}), how many of
 * them one zone may hold ({@code quota}), and whether the zones are too small to honour the quota
 * ({@code fallback}: the remaining replicas then come from any zone).
 *
 * @param rf       the configured replication factor
 * @param width    replicas per range: {@code min(rf, owners)}
 * @param quota    the most replicas of one range in one zone: 1 when there are at least rf zones,
 *                 else {@code ceil(rf / zones)}
 * @param fallback whether the quota cannot fill {@code width} replicas
 */
record Layout(int rf, int width, int quota, boolean fallback) {

    static Layout of(Owners o, int rf) {
        int n = o.size();
        int width = Math.min(rf, n);
        int zones = Math.max(1, o.zoneCount());
        int quota = zones >= rf ? 1 : (rf + zones - 1) / zones;
        int capacity = 0;
        for (int z = 0; z < o.zoneCount(); z++) {
            capacity += Math.min(quota, o.zoneMembers(z).length);
        }
        return new Layout(rf, width, quota, capacity < width);
    }
}
