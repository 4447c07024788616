package io.grapevine.membership.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes msgpack exactly as hashicorp/go-msgpack (v0.5.x, the codec memberlist v0.2.2 uses)
 * writes it with its default handle, so that peers byte-compare equal encodings and so that our
 * test vectors can be checked against captures:
 * <ul>
 *   <li>strings and byte slices alike in the old "raw" family: fixstr, 0xda u16, 0xdb u32 -
 *       never str8 (0xd9) and never bin, which v0.5.x only emits with {@code WriteExt};</li>
 *   <li>a nil byte slice as msgpack nil (0xc0);</li>
 *   <li>non-negative integers in the smallest unsigned form (fixint, 0xcc, 0xcd, 0xce, 0xcf),
 *       negative ones in the smallest signed form (negative fixint, 0xd0 to 0xd3).</li>
 * </ul>
 * Structs are written by the caller as a map header followed by key/value pairs, keys sorted by
 * Go field name (go-msgpack sorts struct fields by name when it writes maps).
 *
 * <p>Writes straight into one growing array: every gossip message and every push/pull is encoded
 * here, so a general-purpose packer's per-call overhead and its large initial buffer showed up as
 * a large share of a simulated cluster's time. Not thread-safe; one writer builds one buffer.
 */
public final class GoMsgpackWriter {
    private byte[] buf;
    private int size;

    /** Starts an empty buffer sized for one gossip message. */
    public GoMsgpackWriter() {
        this(128);
    }

    /** @param expectedBytes the expected size, to avoid growing (a push/pull of many members) */
    public GoMsgpackWriter(int expectedBytes) {
        this.buf = new byte[Math.max(16, expectedBytes)];
    }

    /**
     * Appends one byte outside msgpack, such as a message type byte.
     *
     * @param b the byte value, 0..255
     * @return this writer
     */
    public GoMsgpackWriter rawByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /**
     * Appends bytes outside msgpack, such as the payload that follows a user message header.
     *
     * @param bytes the bytes (null appends nothing)
     * @return this writer
     */
    public GoMsgpackWriter raw(byte[] bytes) {
        if (bytes != null && bytes.length > 0) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }
        return this;
    }

    /**
     * Starts a map (a Go struct) of {@code entries} key/value pairs.
     *
     * @param entries how many pairs follow
     * @return this writer
     */
    public GoMsgpackWriter mapHeader(int entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("negative map size " + entries);
        }
        if (entries < 16) {
            return rawByte(0x80 | entries);
        }
        if (entries < 0x10000) {
            return head(0xde, entries, 2);
        }
        return head(0xdf, entries, 4);
    }

    /**
     * Writes a string (a map key or a Go string); Go has no nil string, so null writes "".
     *
     * @param s the string
     * @return this writer
     */
    public GoMsgpackWriter string(String s) {
        if (s == null) {
            return rawHeader(0);
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return rawString(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        // ASCII: one byte per char, no intermediate array.
        rawHeader(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    /**
     * Writes a Go byte slice: raw family, null as nil.
     *
     * @param bytes the bytes, or null for Go's nil slice
     * @return this writer
     */
    public GoMsgpackWriter bytes(byte[] bytes) {
        if (bytes == null) {
            return nil();
        }
        return rawString(bytes);
    }

    private GoMsgpackWriter rawString(byte[] b) {
        rawHeader(b.length);
        return raw(b);
    }

    private GoMsgpackWriter rawHeader(int length) {
        if (length < 32) {
            return rawByte(0xa0 | length);
        }
        if (length < 0x10000) {
            return head(0xda, length, 2);
        }
        return head(0xdb, length, 4);
    }

    /**
     * Writes an integer in Go's form: the smallest unsigned form when non-negative, the smallest
     * signed form otherwise.
     *
     * @param v the value
     * @return this writer
     */
    public GoMsgpackWriter integer(long v) {
        if (v >= 0) {
            if (v < 0x80) {
                return rawByte((int) v);
            }
            if (v < 0x100) {
                return head(0xcc, v, 1);
            }
            if (v < 0x10000) {
                return head(0xcd, v, 2);
            }
            if (v < 0x1_0000_0000L) {
                return head(0xce, v, 4);
            }
            return head(0xcf, v, 8);
        }
        if (v >= -32) {
            return rawByte((int) v & 0xff);
        }
        if (v >= Byte.MIN_VALUE) {
            return head(0xd0, v, 1);
        }
        if (v >= Short.MIN_VALUE) {
            return head(0xd1, v, 2);
        }
        if (v >= Integer.MIN_VALUE) {
            return head(0xd2, v, 4);
        }
        return head(0xd3, v, 8);
    }

    /**
     * @param b the value
     * @return this writer
     */
    public GoMsgpackWriter bool(boolean b) {
        return rawByte(b ? 0xc3 : 0xc2);
    }

    /** @return this writer, after writing msgpack nil (0xc0) */
    public GoMsgpackWriter nil() {
        return rawByte(0xc0);
    }

    /** @return everything written so far */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A format byte followed by the low {@code bytes} bytes of {@code v}, big-endian. */
    private GoMsgpackWriter head(int format, long v, int bytes) {
        ensure(1 + bytes);
        buf[size++] = (byte) format;
        for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            long want = Math.max((long) buf.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("message too large: " + want + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }
}
