package io.grapevine.kv.internal;

/** A replica answered a node-to-node request with an error status. */
public final class ReplicaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the status and the replica's error text */
    public ReplicaException(String message) {
        super(message, null, false, false);
    }
}
