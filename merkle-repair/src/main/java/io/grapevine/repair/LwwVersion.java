package io.grapevine.repair;

import java.nio.ByteBuffer;

/**
 * A last-write-wins version: a timestamp and a writer id that breaks ties, so two different writes
 * of a key never share a version (equal digests must mean equal writes). Encoded in 16 bytes whose
 * unsigned lexicographic order is the (timestamp, writer) order, so stores can compare encoded
 * versions without decoding them.
 *
 * @param timestamp when the write happened, in any unit the cluster agrees on (e.g. microseconds)
 * @param writer    a tie-break unique to the writer (e.g. a hash of the node name plus a counter)
 */
public record LwwVersion(long timestamp, long writer) implements Comparable<LwwVersion> {

    /** Encoded length. */
    public static final int BYTES = 16;

    /**
     * @param version an encoded version
     * @return the decoded version
     * @throws IllegalArgumentException when the array is not {@value #BYTES} bytes
     */
    public static LwwVersion decode(byte[] version) {
        if (version == null || version.length != BYTES) {
            throw new IllegalArgumentException("an LWW version has " + BYTES + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(version);
        return new LwwVersion(b.getLong() ^ Long.MIN_VALUE, b.getLong() ^ Long.MIN_VALUE);
    }

    /** @return the 16-byte encoding, ordered like the version when compared unsigned */
    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(timestamp ^ Long.MIN_VALUE).putLong(writer ^ Long.MIN_VALUE).array();
    }

    @Override
    public int compareTo(LwwVersion o) {
        int c = Long.compare(timestamp, o.timestamp);
        return c != 0 ? c : Long.compare(writer, o.writer);
    }
}
