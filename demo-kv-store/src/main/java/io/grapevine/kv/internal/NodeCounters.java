package io.grapevine.kv.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Request counters of one node, as {@code /stats} shows them. */
public final class NodeCounters {
    /** Coordinated writes that succeeded. */
    public final AtomicLong puts = new AtomicLong();
    /** Coordinated reads that succeeded (found or not). */
    public final AtomicLong gets = new AtomicLong();
    /** Coordinated deletes that succeeded. */
    public final AtomicLong deletes = new AtomicLong();
    /** Reads of this node's own replica ({@code ?local=true}). */
    public final AtomicLong localGets = new AtomicLong();
    /** Writes and reads that did not reach their quorum (503). */
    public final AtomicLong quorumFailures = new AtomicLong();
    /** Requests refused because too many were in flight (503). */
    public final AtomicLong overloaded = new AtomicLong();
    /** Requests refused as malformed or too large (4xx). */
    public final AtomicLong rejected = new AtomicLong();
    /** Replica writes received from coordinators. */
    public final AtomicLong replicaWrites = new AtomicLong();
    /** Replica reads received from coordinators. */
    public final AtomicLong replicaReads = new AtomicLong();
    /** Stale replicas sent the newest entry after a read. */
    public final AtomicLong readRepairs = new AtomicLong();
    /** Read repairs that failed (left to anti-entropy). */
    public final AtomicLong readRepairFailures = new AtomicLong();
}
