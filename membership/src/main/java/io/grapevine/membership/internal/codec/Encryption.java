package io.grapevine.membership.internal.codec;

import io.grapevine.membership.Keyring;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * memberlist's AES-GCM layer. A sealed message is {@code [version][12-byte nonce][ciphertext +
 * 16-byte tag]}: version 1 seals the plaintext as is (what we and serf send), version 0 first
 * pads it PKCS7-style to a multiple of 16 (accepted on receive, padding verified and removed).
 * Packets are sealed whole with no associated data; a stream is
 * {@code [10][length u32][sealed]} with those first five bytes as associated data, so a changed
 * length fails authentication. The primary key seals; every key is tried to open, so keys can be
 * rotated. Thread-safe: a {@link Cipher} is made per call and the nonce source is shared.
 */
public final class Encryption {
    /** PKCS7-padded plaintext (memberlist's version 0); accepted, never sent. */
    public static final int VERSION_PADDED = 0;
    /** Unpadded plaintext (memberlist's version 1); what we send. */
    public static final int VERSION_UNPADDED = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int BLOCK = 16;
    private static final int STREAM_HEADER = 5;

    private final List<SecretKeySpec> keys;
    private final SecureRandom random = new SecureRandom();

    /** @param keyring the keys; the first is the primary */
    public Encryption(Keyring keyring) {
        this.keys = keyring.keys().stream().map(k -> new SecretKeySpec(k, "AES")).toList();
    }

    /**
     * @param plain a packet (already compressed and checksummed as configured)
     * @return the sealed packet, version 1, with the primary key
     */
    public byte[] encryptPacket(byte[] plain) {
        return seal(VERSION_UNPADDED, plain, new byte[0], 0);
    }

    /**
     * @param packet a sealed packet
     * @return the plaintext
     * @throws DropException {@code decrypt} when no key opens it, the version is unknown, it is
     *                       too short, or version-0 padding is wrong
     */
    public byte[] decryptPacket(byte[] packet) throws DropException {
        return open(packet, 0, packet.length, new byte[0]);
    }

    /**
     * @param plain a stream message (already compressed as configured)
     * @return {@code [10][length][sealed]}, sealed with the primary key and the header as AAD
     */
    public byte[] encryptStream(byte[] plain) {
        int length = 1 + NONCE_BYTES + plain.length + TAG_BYTES;
        byte[] header = {(byte) MessageType.ENCRYPT, (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length};
        byte[] out = seal(VERSION_UNPADDED, plain, header, STREAM_HEADER);
        System.arraycopy(header, 0, out, 0, STREAM_HEADER);
        return out;
    }

    /**
     * @param stream a whole encrypted stream, {@code [10][length][sealed]}, nothing after it
     * @return the plaintext message
     * @throws DropException {@code oversized} when the length passes 20 MiB, {@code malformed}
     *                       when the stream is not exactly that long, {@code decrypt} when it
     *                       cannot be opened
     */
    public byte[] decryptStream(byte[] stream) throws DropException {
        if (stream.length < STREAM_HEADER || (stream[0] & 0xff) != MessageType.ENCRYPT) {
            throw new DropException("malformed", "not an encrypted stream: needs type byte 10 and a length");
        }
        long length = ((stream[1] & 0xffL) << 24) | ((stream[2] & 0xffL) << 16) | ((stream[3] & 0xffL) << 8) | (stream[4] & 0xffL);
        if (length > WireCodec.MAX_STREAM_BYTES) {
            throw new DropException("oversized", "encrypted stream claims " + length + " bytes, the limit is " + WireCodec.MAX_STREAM_BYTES);
        }
        if (length != stream.length - STREAM_HEADER) {
            throw new DropException("malformed", "encrypted stream claims " + length + " bytes but carries " + (stream.length - STREAM_HEADER));
        }
        return open(stream, STREAM_HEADER, stream.length, Arrays.copyOf(stream, STREAM_HEADER));
    }

    /**
     * Seals with the primary key into a new array, leaving {@code headroom} bytes free at its front.
     * Package-private so tests can produce version-0 (padded) messages as older peers send them.
     */
    byte[] seal(int version, byte[] plain, byte[] aad, int headroom) {
        byte[] input = plain;
        if (version == VERSION_PADDED) {
            int pad = BLOCK - plain.length % BLOCK;
            input = Arrays.copyOf(plain, plain.length + pad);
            Arrays.fill(input, plain.length, input.length, (byte) pad);
        }
        byte[] out = new byte[headroom + 1 + NONCE_BYTES + input.length + TAG_BYTES];
        out[headroom] = (byte) version;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, headroom + 1, NONCE_BYTES);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(aad);
            c.doFinal(input, 0, input.length, out, headroom + 1 + NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
        return out;
    }

    private byte[] open(byte[] buf, int from, int to, byte[] aad) throws DropException {
        int len = to - from;
        if (len == 0) {
            throw new DropException("decrypt", "empty encrypted message");
        }
        int version = buf[from] & 0xff;
        if (version != VERSION_PADDED && version != VERSION_UNPADDED) {
            throw new DropException("decrypt", "unknown encryption version " + version);
        }
        int min = 1 + NONCE_BYTES + TAG_BYTES + (version == VERSION_PADDED ? BLOCK : 0);
        if (len < min) {
            throw new DropException("decrypt", "encrypted message of " + len + " bytes is too short (version " + version + " needs " + min + ")");
        }
        GCMParameterSpec nonce = new GCMParameterSpec(TAG_BYTES * 8, buf, from + 1, NONCE_BYTES);
        int cipherStart = from + 1 + NONCE_BYTES;
        for (SecretKeySpec key : keys) {
            byte[] plain;
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, key, nonce);
                c.updateAAD(aad);
                plain = c.doFinal(buf, cipherStart, to - cipherStart);
            } catch (AEADBadTagException wrongKeyOrTampered) {
                continue;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
            }
            return version == VERSION_PADDED ? unpad(plain) : plain;
        }
        throw new DropException("decrypt", "no key in the keyring opens this message (" + keys.size() + " tried)");
    }

    private static byte[] unpad(byte[] padded) throws DropException {
        int pad = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || pad > padded.length) {
            throw new DropException("decrypt", "bad PKCS7 padding length " + pad);
        }
        for (int i = padded.length - pad; i < padded.length; i++) {
            if ((padded[i] & 0xff) != pad) {
                throw new DropException("decrypt", "bad PKCS7 padding bytes");
            }
        }
        return Arrays.copyOf(padded, padded.length - pad);
    }
}
