package io.grapevine.kv.internal;

/**
 * The bounds the HTTP API enforces.
 *
 * @param maxKeyBytes      longest key (1 KiB)
 * @param maxValueBytes    largest value
 * @param replication      the replication factor (upper bound of w and r)
 * @param defaultW         w when a request names none
 * @param defaultR         r when a request names none
 * @param maxInFlight      coordinated requests at once; more get 503
 * @param maxBufferedBytes request bytes buffered at once over all requests; more get 503
 */
public record ApiLimits(int maxKeyBytes, int maxValueBytes, int replication, int defaultW, int defaultR,
                        int maxInFlight, long maxBufferedBytes) {
}
