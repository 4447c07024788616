package io.grapevine.kv;

/**
 * What {@code GET /stats} returns: this node's data, requests, repair and ring figures.
 *
 * @param node             the node name
 * @param keys             keys this node holds a value for (its own replica; tombstones not counted)
 * @param tombstones       deletes held until their grace period ends
 * @param tombstonesPurged tombstones removed since start
 * @param storage          {@code memory}, or the store file's path
 * @param requests         request counters since start
 * @param repair           anti-entropy figures since start
 * @param ring             this node's view of the ring
 */
public record KvStats(String node, long keys, long tombstones, long tombstonesPurged, String storage,
                      Requests requests, RepairStats repair, Ring ring) {

    /**
     * Request counters since start.
     *
     * @param puts               coordinated writes that reached w
     * @param gets               coordinated reads that reached r
     * @param deletes            coordinated deletes that reached w
     * @param localGets          reads of this node's own replica ({@code ?local=true})
     * @param quorumFailures     reads and writes answered 503 for want of replicas
     * @param overloaded         requests refused with 503 because of the in-flight bounds
     * @param rejected           requests refused as malformed, too large or unknown (4xx)
     * @param replicaWrites      writes received as a replica
     * @param replicaReads       reads received as a replica
     * @param readRepairs        stale replicas sent the newest entry after a read
     * @param readRepairFailures read repairs that failed (left to anti-entropy)
     */
    public record Requests(long puts, long gets, long deletes, long localGets, long quorumFailures, long overloaded,
                           long rejected, long replicaWrites, long replicaReads, long readRepairs,
                           long readRepairFailures) {
    }

    /**
     * This node's view of the ring.
     *
     * @param digest      equal on two nodes exactly when they route every key alike
     * @param owners      members owning ranges
     * @param replication replicas per key
     * @param partitions  ring partitions
     * @param ranges      ranges this node replicates
     * @param ownership   fraction of the token space this node replicates
     */
    public record Ring(String digest, int owners, int replication, int partitions, int ranges, double ownership) {
    }
}
