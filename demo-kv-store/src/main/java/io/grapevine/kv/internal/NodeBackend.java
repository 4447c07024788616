package io.grapevine.kv.internal;

import java.util.Map;
import reactor.core.publisher.Mono;

/** What the HTTP API needs from the node it serves; the node implements it. */
public interface NodeBackend {
    /** @return the coordinator, or null while the node is still starting */
    Coordinator coordinator();

    /** @return this node's replica */
    LocalStore store();

    /** @return request counters */
    NodeCounters counters();

    /** @return whether the node is handing its ranges over (it then refuses replica writes) */
    boolean leaving();

    /** @return the body of {@code GET /cluster}, or null while starting */
    Map<String, Object> cluster();

    /** @return the body of {@code GET /stats} */
    Object stats();

    /** @return hands the ranges over and leaves; emits the body of the answer */
    Mono<Object> leave();
}
