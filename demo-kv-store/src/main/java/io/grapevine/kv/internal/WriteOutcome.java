package io.grapevine.kv.internal;

import java.util.List;
import java.util.Map;

/**
 * How a coordinated write ended.
 *
 * @param ok       whether {@code w} replicas acknowledged
 * @param w        acknowledgements required
 * @param version  the version written
 * @param replicas the key's replicas, primary first
 * @param acked    replicas that acknowledged when the outcome was decided
 * @param failed   replicas that failed by then, with the reason
 */
public record WriteOutcome(boolean ok, int w, Version version, List<String> replicas, List<String> acked,
                           Map<String, String> failed) {
}
