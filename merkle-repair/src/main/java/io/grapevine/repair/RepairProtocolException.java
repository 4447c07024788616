package io.grapevine.repair;

/**
 * A peer sent bytes that break the repair protocol: a bad magic or version, an oversized or
 * truncated frame, a field out of bounds, a frame out of order. The session is aborted before
 * anything from the offending frame is applied; the node and its data are left as they were.
 */
public class RepairProtocolException extends RepairException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong with the input */
    public RepairProtocolException(String message) {
        super(message);
    }
}
