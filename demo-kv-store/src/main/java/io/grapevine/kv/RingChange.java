package io.grapevine.kv;

import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingSnapshot;
import java.util.List;

/**
 * One change of the ring as a node saw it: the snapshots before and after and the ranges that
 * moved between them.
 *
 * @param before    the previous snapshot, or null for the first one a subscriber sees
 * @param after     the new snapshot
 * @param movements ranges whose replica set changed (all of the first snapshot's ranges when
 *                  {@code before} is null)
 */
public record RingChange(RingSnapshot before, RingSnapshot after, List<RangeMovement> movements) {
}
