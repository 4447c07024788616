package io.grapevine.kv.internal;

/** A request or response body over its limit; the reader stops before buffering more. */
public final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    /** @param limit the limit in bytes */
    public BodyTooLargeException(long limit) {
        super("body larger than " + limit + " bytes", null, false, false);
        this.limit = limit;
    }

    /** @return the limit in bytes */
    public long limit() {
        return limit;
    }
}
