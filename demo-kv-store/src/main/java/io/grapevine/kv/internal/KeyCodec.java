package io.grapevine.kv.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Keys in URLs. Public routes carry the key percent-encoded ({@code /kv/user%2F42}): every byte
 * may be encoded, so keys are arbitrary bytes; {@code +} is a literal plus, as in any path.
 * Internal routes between nodes carry it in hex, which needs no escaping rules at all.
 */
public final class KeyCodec {
    private static final HexFormat HEX = HexFormat.of();

    private KeyCodec() {
    }

    /**
     * @param raw a percent-encoded path segment (possibly containing '/')
     * @return the bytes it encodes
     * @throws IllegalArgumentException on a malformed escape
     */
    public static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%') {
                if (i + 2 >= in.length) {
                    throw new IllegalArgumentException("truncated %-escape in the key");
                }
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad %-escape in the key");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /**
     * @param key key bytes
     * @return the key as a path segment: unreserved characters kept, everything else %-escaped
     */
    public static String percentEncode(byte[] key) {
        StringBuilder s = new StringBuilder(key.length * 3);
        for (byte b : key) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == '~') {
                s.append((char) c);
            } else {
                s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return s.toString();
    }

    /** @return the bytes as lower-case hex */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * @param hex lower- or upper-case hex
     * @return the bytes
     * @throws IllegalArgumentException when it is not hex
     */
    public static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    /** @return the key for messages: UTF-8 with replacement characters, at most 128 characters */
    public static String show(byte[] key) {
        String s = new String(key, StandardCharsets.UTF_8);
        return s.length() <= 128 ? s : s.substring(0, 128) + "...";
    }
}
