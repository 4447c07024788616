package io.grapevine.ring.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The version digest of a ring: SHA-256 over the owner names (in order) and the placement table
 * (owner indexes per partition, best first), truncated to 128 bits. Two rings have equal digests
 * exactly when they route every token to the same members in the same order.
 */
public final class OwnershipDigest {
    private static final byte[] VERSION = "grapevine-ring/1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK_INTS = 16 * 1024;

    private OwnershipDigest() {
    }

    /**
     * @param owners    the owners
     * @param placement their placement
     * @return 32 hex digits
     */
    public static String of(Owners owners, Placement placement) {
        MessageDigest sha = sha256();
        sha.update(VERSION);
        ByteBuffer header = ByteBuffer.allocate(12);
        header.putInt(placement.bits()).putInt(placement.width()).putInt(owners.size());
        sha.update(header.array());
        ByteBuffer length = ByteBuffer.allocate(4);
        for (int i = 0; i < owners.size(); i++) {
            byte[] name = owners.member(i).name().getBytes(StandardCharsets.UTF_8);
            sha.update(length.clear().putInt(name.length).array());
            sha.update(name);
        }
        int[] table = placement.replicaTable();
        // Little-endian: a bulk copy on the usual hardware, and the same digest everywhere.
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_INTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        IntBuffer ints = chunk.asIntBuffer();
        for (int off = 0; off < table.length; off += CHUNK_INTS) {
            int n = Math.min(CHUNK_INTS, table.length - off);
            ints.clear();
            ints.put(table, off, n);
            sha.update(chunk.array(), 0, n * 4);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
