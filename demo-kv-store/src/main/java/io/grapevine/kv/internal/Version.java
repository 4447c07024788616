package io.grapevine.kv.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The version of one write: a hybrid-logical-clock timestamp and the name of the node that
 * coordinated it, which breaks ties. Last write wins: the greater version is kept.
 *
 * <p>Encoded as 8 bytes of timestamp (sign bit flipped, big-endian) followed by the node name in
 * UTF-8, so the unsigned lexicographic order of encodings is the (timestamp, node name) order and
 * stores and the repair protocol compare versions without decoding them. Two writes never share a
 * version: one node's timestamps strictly increase, and names are unique.
 *
 * @param timestamp the hybrid timestamp ({@link HybridClock})
 * @param node      the coordinating node's name
 */
public record Version(long timestamp, String node) implements Comparable<Version> {
    /** Longest node name a version carries (the membership limit). */
    public static final int MAX_NODE_BYTES = 128;

    /** Validates the fields. */
    public Version {
        Objects.requireNonNull(node, "node");
        int n = node.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > MAX_NODE_BYTES) {
            throw new IllegalArgumentException("node name must have 1.." + MAX_NODE_BYTES + " bytes");
        }
    }

    /** @return the encoding described above */
    public byte[] encode() {
        byte[] name = node.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + name.length).putLong(timestamp ^ Long.MIN_VALUE).put(name).array();
    }

    /**
     * @param bytes an encoded version
     * @return the version
     * @throws IllegalArgumentException when the bytes are no valid encoding
     */
    public static Version decode(byte[] bytes) {
        if (bytes == null || bytes.length < 9 || bytes.length > 8 + MAX_NODE_BYTES) {
            throw new IllegalArgumentException("a version has 9.." + (8 + MAX_NODE_BYTES) + " bytes");
        }
        long ts = ByteBuffer.wrap(bytes).getLong() ^ Long.MIN_VALUE;
        return new Version(ts, new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8));
    }

    /**
     * @param a an encoded version, or null
     * @param b an encoded version, or null
     * @return the order of the two encodings (null sorts first)
     */
    public static int compareEncoded(byte[] a, byte[] b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? -1 : 1;
        }
        return Arrays.compareUnsigned(a, b);
    }

    /** @return the wall-clock part of the timestamp, in milliseconds since the epoch */
    public long millis() {
        return HybridClock.physicalMillis(timestamp);
    }

    @Override
    public int compareTo(Version o) {
        return compareEncoded(encode(), o.encode());
    }

    /** @return {@code millis.logical@node}, the form HTTP headers carry */
    @Override
    public String toString() {
        return millis() + "." + HybridClock.logical(timestamp) + "@" + node;
    }
}
