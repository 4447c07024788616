package io.grapevine.kv.internal;

/** Headers of the node-to-node routes under {@code /internal/kv/{hex key}}. */
public final class InternalHeaders {
    /** The encoded {@link Version} of the entry, in hex. */
    public static final String VERSION = "X-Grapevine-Entry-Version";
    /** Present ({@code 1}) when the entry is a tombstone; the body is then empty. */
    public static final String TOMBSTONE = "X-Grapevine-Tombstone";
    /** The ring digest the coordinator routed the write by; a replica on another ring repairs the key's range later. */
    public static final String RING = "X-Grapevine-Ring";
    /** Path prefix of the internal routes. */
    public static final String PREFIX = "/internal/kv/";

    private InternalHeaders() {
    }
}
