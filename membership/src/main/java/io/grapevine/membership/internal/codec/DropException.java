package io.grapevine.membership.internal.codec;

/**
 * Input that must be dropped, with the reason under which the drop is counted
 * ({@code grapevine.membership.drops{reason=...}}).
 */
public final class DropException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    /**
     * @param reason short metric tag: {@code malformed}, {@code crc}, {@code decrypt},
     *               {@code plaintext}, {@code compression}, {@code oversized}, {@code unknown-type},
     *               {@code truncated} (compound parts cut off)
     * @param detail what was wrong, for a rate-limited log line
     */
    public DropException(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** @return the metric reason tag */
    public String reason() {
        return reason;
    }
}
