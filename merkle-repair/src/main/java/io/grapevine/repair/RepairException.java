package io.grapevine.repair;

/** Why a repair session failed: a peer that went away, timed out, or reported an error. */
public class RepairException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public RepairException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public RepairException(String message, Throwable cause) {
        super(message, cause);
    }
}
