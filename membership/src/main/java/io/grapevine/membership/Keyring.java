package io.grapevine.membership;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * AES-GCM keys for encrypting gossip, as serf's {@code -encrypt} and keyring use them: the
 * primary key encrypts everything sent; every key is tried on what is received, so keys can be
 * rotated without a partition. Keys are 16, 24 or 32 bytes (AES-128, -192, -256).
 */
public final class Keyring {
    private final List<byte[]> keys;

    private Keyring(List<byte[]> keys) {
        this.keys = keys;
    }

    /**
     * @param primary the key used to encrypt
     * @param older   further keys accepted on receive
     * @return a keyring
     * @throws IllegalArgumentException when a key is not 16, 24 or 32 bytes long
     */
    public static Keyring of(byte[] primary, byte[]... older) {
        List<byte[]> all = new ArrayList<>();
        all.add(check(primary, 0));
        for (int i = 0; i < older.length; i++) {
            all.add(check(older[i], i + 1));
        }
        return new Keyring(List.copyOf(all));
    }

    /**
     * @param primaryBase64 the primary key, base64 as {@code serf keygen} prints it
     * @param olderBase64   further keys, base64
     * @return a keyring
     * @throws IllegalArgumentException when a key is not valid base64 or has the wrong length
     */
    public static Keyring fromBase64(String primaryBase64, String... olderBase64) {
        byte[][] older = new byte[olderBase64.length][];
        for (int i = 0; i < olderBase64.length; i++) {
            older[i] = decode(olderBase64[i], i + 1);
        }
        return of(decode(primaryBase64, 0), older);
    }

    private static byte[] decode(String b64, int index) {
        try {
            return Base64.getDecoder().decode(b64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keyring key #" + index + " is not valid base64: " + e.getMessage(), e);
        }
    }

    private static byte[] check(byte[] key, int index) {
        if (key == null) {
            throw new IllegalArgumentException("keyring key #" + index + " is null");
        }
        int n = key.length;
        if (n != 16 && n != 24 && n != 32) {
            throw new IllegalArgumentException("keyring key #" + index + " is " + n
                    + " bytes; AES-GCM keys must be 16, 24 or 32 bytes (serf keygen makes 32)");
        }
        return key.clone();
    }

    /** @return a copy of the primary key */
    public byte[] primary() {
        return keys.get(0).clone();
    }

    /** @return copies of every key, primary first */
    public List<byte[]> keys() {
        return keys.stream().map(byte[]::clone).toList();
    }

    /** @return how many keys the ring holds */
    public int size() {
        return keys.size();
    }
}
