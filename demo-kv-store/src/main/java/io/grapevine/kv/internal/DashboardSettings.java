package io.grapevine.kv.internal;

import java.time.Duration;

/**
 * The bounds of a node's dashboard: what one browser may cost the node, and how often figures
 * that are not pushed by events (key counts) are gathered.
 *
 * @param maxConnections  event streams at once; more are refused with 503
 * @param refresh         how often key counts of every node are gathered while a stream is open
 * @param heartbeat       time between comment lines that keep idle proxies from closing a stream
 * @param stallTimeout    how long a stream's socket may stay unwritable before it is dropped
 * @param maxQueuedEvents events waiting for a stream's socket before the stream is dropped
 *                        (stats and heartbeats are coalesced and never count twice)
 * @param maxBacklogBytes bytes waiting in a stream's outbound buffer before it is dropped
 * @param sendBufferBytes kernel send buffer of a stream's socket (bounds what a stuck client pins)
 * @param peerTimeout     how long one peer's {@code /stats} may take
 * @param peerConcurrency peers asked at once
 */
public record DashboardSettings(int maxConnections, Duration refresh, Duration heartbeat, Duration stallTimeout,
                                int maxQueuedEvents, long maxBacklogBytes, int sendBufferBytes,
                                Duration peerTimeout, int peerConcurrency) {

    /**
     * @param maxConnections event streams at once
     * @param refresh        key-count gathering interval
     * @param stallTimeout   how long a stuck client is kept
     * @return the settings, the other bounds at their defaults: heartbeat 15 s, 128 queued
     *         events, 1 MiB backlog, 32 KiB send buffer, peers asked 8 at a time within
     *         {@code min(refresh, 1 s)} (at least 200 ms)
     */
    public static DashboardSettings of(int maxConnections, Duration refresh, Duration stallTimeout) {
        Duration peerTimeout = refresh.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : refresh;
        if (peerTimeout.compareTo(Duration.ofMillis(200)) < 0) {
            peerTimeout = Duration.ofMillis(200);
        }
        return new DashboardSettings(maxConnections, refresh, Duration.ofSeconds(15), stallTimeout, 128, 1 << 20,
            32 * 1024, peerTimeout, 8);
    }

    /** @return how often a stream checks whether its client keeps up */
    public Duration checkEvery() {
        Duration quarter = stallTimeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter;
    }
}
