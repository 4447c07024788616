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

    /**
     * A replica write arrived; the node notes it when the coordinator's ring differs from its own.
     *
     * @param ring the digest of the coordinator's ring, or null when not given
     * @param key  the key written
     */
    void routedBy(String ring, byte[] key);

    /** @return whether the node is handing its ranges over (it then refuses replica writes) */
    boolean leaving();

    /** @return the body of {@code GET /cluster}, or null while starting */
    Map<String, Object> cluster();

    /** @return the body of {@code GET /stats} */
    Object stats();

    /** @return hands the ranges over and leaves; emits the body of the answer */
    Mono<Object> leave();
}
