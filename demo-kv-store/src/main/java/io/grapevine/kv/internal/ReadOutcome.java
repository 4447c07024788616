package io.grapevine.kv.internal;

import io.grapevine.repair.Entry;
import java.util.List;
import java.util.Map;

/**
 * How a coordinated read ended.
 *
 * @param ok       whether at least {@code r} replicas answered
 * @param r        answers required
 * @param newest   the newest entry among the answers (a tombstone has a null value), or null
 *                 when no replica that answered holds the key
 * @param replicas the key's replicas, primary first
 * @param answered replicas that answered when the outcome was decided
 * @param failed   replicas that failed by then, with the reason
 */
public record ReadOutcome(boolean ok, int r, Entry newest, List<String> replicas, List<String> answered,
                          Map<String, String> failed) {
}
