package io.grapevine.membership.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads msgpack the way memberlist's Go codec accepts it, over a byte array, with every length
 * checked against the bytes that are really there before anything is allocated - input comes
 * from the network, so a header claiming four gigabytes costs nothing but a {@link DropException}.
 * <ul>
 *   <li>byte fields accept any str form (fixstr, str8, str16, str32) or bin form, and nil;</li>
 *   <li>string fields and map keys accept only str forms (and nil as "" for fields), as Go does;</li>
 *   <li>integers accept every msgpack int form, checked against the field's range;</li>
 *   <li>nil reads as the zero value of any field type, as Go does.</li>
 * </ul>
 * Every failure is {@code DropException("malformed", ...)} naming the field. Not thread-safe.
 */
public final class GoMsgpackReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    /**
     * @param buf    the bytes
     * @param offset where msgpack starts
     * @param end    index just past the last readable byte
     */
    public GoMsgpackReader(byte[] buf, int offset, int end) {
        if (offset < 0 || end > buf.length || offset > end) {
            throw new IllegalArgumentException("bad range [" + offset + ", " + end + ") of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    /** @param buf the bytes, all of them msgpack (and whatever raw bytes follow it) */
    public GoMsgpackReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    /** @return index of the next unread byte, so callers can read raw bytes that follow msgpack */
    public int position() {
        return pos;
    }

    /** @return how many bytes are left */
    public int remaining() {
        return end - pos;
    }

    /**
     * Reads a map header (a Go struct); nil reads as an empty map.
     *
     * @param what the struct, for the error message
     * @return the number of key/value pairs, each of which is known to have room
     * @throws DropException when it is not a map or claims more pairs than bytes remain
     */
    public int readMapHeader(String what) throws DropException {
        int b = next(what);
        long n;
        if (b >= 0x80 && b <= 0x8f) {
            n = b & 0x0f;
        } else if (b == 0xde) {
            n = u16(what);
        } else if (b == 0xdf) {
            n = u32(what);
        } else if (b == 0xc0) {
            n = 0;
        } else {
            throw malformed(what + " is not a map (format 0x" + Integer.toHexString(b) + ")");
        }
        if (n * 2 > remaining()) {
            throw malformed(what + " claims " + n + " entries in " + remaining() + " bytes");
        }
        return (int) n;
    }

    /**
     * Reads a map key and finds it among known ASCII keys without making a string: struct keys
     * are read for every field of every message, the hottest path of decoding. A key must be a
     * str form (not nil) of valid UTF-8, as for {@link #readString}.
     *
     * @param known the keys to look for, ASCII bytes
     * @return the index of the key in {@code known}, or -1 for any other (valid) key
     * @throws DropException when the key is not a str form, is cut short, or is not UTF-8
     */
    public int readKey(byte[][] known) throws DropException {
        int b = peek("map key");
        if (b == 0xc0) {
            throw malformed("map key is nil");
        }
        int max = remaining();
        long len = rawLength("map key", false);
        int n = checkLength("map key", len, max);
        for (int i = 0; i < known.length; i++) {
            byte[] k = known[i];
            if (k.length == n && k[0] == buf[pos]) {
                int j = 1;
                while (j < n && buf[pos + j] == k[j]) {
                    j++;
                }
                if (j == n) {
                    pos += n;
                    return i;
                }
            }
        }
        text("map key", n);
        return -1;
    }

    /**
     * Reads a Go string field. Go reads only str forms into strings, and so do we.
     *
     * @param field    the Go field name, for the error message
     * @param maxBytes the largest UTF-8 length accepted
     * @return the string; nil reads as ""
     * @throws DropException when it is not a string, is too long, is cut short, or is not UTF-8
     */
    public String readString(String field, int maxBytes) throws DropException {
        long len = rawLength(field, false);
        if (len < 0) {
            return "";
        }
        return text(field, checkLength(field, len, maxBytes));
    }

    /** Reads the next {@code n} bytes as UTF-8 text. */
    private String text(String field, int n) throws DropException {
        if (ascii(pos, n)) {
            // Names and keys are ASCII almost always: valid UTF-8 as they are, no decoder needed.
            String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
            pos += n;
            return s;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            // A lossy decode would turn a name into another name that we would then gossip.
            throw malformed(field + " is not valid UTF-8");
        }
    }

    private boolean ascii(int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (buf[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a Go byte slice field from any str or bin form.
     *
     * @param field    the Go field name, for the error message
     * @param maxBytes the largest length accepted
     * @return the bytes (a copy); nil reads as null, Go's nil slice
     * @throws DropException when it is not bytes, is too long, or is cut short
     */
    public byte[] readBytes(String field, int maxBytes) throws DropException {
        long len = rawLength(field, true);
        if (len < 0) {
            return null;
        }
        int n = checkLength(field, len, maxBytes);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /**
     * Reads an integer field in any msgpack int form.
     *
     * @param field the Go field name, for the error message
     * @param min   the smallest value accepted
     * @param max   the largest value accepted
     * @return the value; nil reads as 0 (which must then lie in range)
     * @throws DropException when it is not an integer or lies outside [min, max]
     */
    public long readInteger(String field, long min, long max) throws DropException {
        int b = next(field);
        long v;
        if (b <= 0x7f) {
            v = b;
        } else if (b >= 0xe0) {
            v = (byte) b;
        } else {
            switch (b) {
                case 0xc0 -> v = 0;
                case 0xcc -> v = u8(field);
                case 0xcd -> v = u16(field);
                case 0xce -> v = u32(field);
                case 0xcf -> {
                    v = s64(field);
                    if (v < 0) {
                        throw malformed(field + " = " + Long.toUnsignedString(v) + " is out of range [" + min + ", " + max + "]");
                    }
                }
                case 0xd0 -> v = (byte) u8(field);
                case 0xd1 -> v = (short) u16(field);
                case 0xd2 -> v = (int) u32(field);
                case 0xd3 -> v = s64(field);
                default -> throw malformed(field + " is not an integer (format 0x" + Integer.toHexString(b) + ")");
            }
        }
        if (v < min || v > max) {
            throw malformed(field + " = " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    /**
     * @param field the Go field name, for the error message
     * @return the value; nil reads as false
     * @throws DropException when it is not a bool
     */
    public boolean readBool(String field) throws DropException {
        int b = next(field);
        return switch (b) {
            case 0xc3 -> true;
            case 0xc2, 0xc0 -> false;
            default -> throw malformed(field + " is not a bool (format 0x" + Integer.toHexString(b) + ")");
        };
    }

    /**
     * Skips one value of any type, nested ones included, without recursion (no stack to blow) and
     * without allocating.
     *
     * @throws DropException when the value is cut short or uses an unassigned format (0xc1)
     */
    public void skipValue() throws DropException {
        long pending = 1;
        while (pending > 0) {
            pending--;
            int b = next("skipped value");
            long skip = 0;
            long children = 0;
            if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
                skip = 0;
            } else if (b >= 0x80 && b <= 0x8f) {
                children = 2L * (b & 0x0f);
            } else if (b >= 0x90 && b <= 0x9f) {
                children = b & 0x0f;
            } else if (b >= 0xa0 && b <= 0xbf) {
                skip = b & 0x1f;
            } else {
                switch (b) {
                    case 0xc4, 0xd9 -> skip = u8("skipped value");
                    case 0xc5, 0xda -> skip = u16("skipped value");
                    case 0xc6, 0xdb -> skip = u32("skipped value");
                    case 0xc7 -> skip = u8("skipped value") + 1;
                    case 0xc8 -> skip = u16("skipped value") + 1;
                    case 0xc9 -> skip = u32("skipped value") + 1;
                    case 0xca -> skip = 4;
                    case 0xcb -> skip = 8;
                    case 0xcc, 0xd0 -> skip = 1;
                    case 0xcd, 0xd1 -> skip = 2;
                    case 0xce, 0xd2 -> skip = 4;
                    case 0xcf, 0xd3 -> skip = 8;
                    case 0xd4 -> skip = 2;
                    case 0xd5 -> skip = 3;
                    case 0xd6 -> skip = 5;
                    case 0xd7 -> skip = 9;
                    case 0xd8 -> skip = 17;
                    case 0xdc -> children = u16("skipped value");
                    case 0xdd -> children = u32("skipped value");
                    case 0xde -> children = 2 * u16("skipped value");
                    case 0xdf -> children = 2 * u32("skipped value");
                    default -> throw malformed("format 0x" + Integer.toHexString(b) + " is not msgpack");
                }
            }
            if (skip > remaining()) {
                throw malformed("skipped value claims " + skip + " bytes, " + remaining() + " remain");
            }
            pos += (int) skip;
            pending += children;
            if (pending > remaining()) {
                // Every value takes at least one byte, so this many cannot be there.
                throw malformed("skipped value claims " + pending + " values in " + remaining() + " bytes");
            }
        }
    }

    /**
     * Reads bytes that follow msgpack unframed, such as push/pull user state.
     *
     * @param what what the bytes are, for the error message
     * @param n    how many
     * @return a copy of the next n bytes
     * @throws DropException when fewer than n remain
     */
    public byte[] readRaw(String what, long n) throws DropException {
        if (n < 0 || n > remaining()) {
            throw malformed(what + " claims " + n + " bytes, " + remaining() + " remain");
        }
        byte[] out = Arrays.copyOfRange(buf, pos, pos + (int) n);
        pos += (int) n;
        return out;
    }

    /** @return the length of a str (or, when allowed, bin) value, or -1 for nil */
    private long rawLength(String field, boolean binToo) throws DropException {
        int b = next(field);
        if (b >= 0xa0 && b <= 0xbf) {
            return b & 0x1f;
        }
        int form = binToo && b >= 0xc4 && b <= 0xc6 ? b - 0xc4 + 0xd9 : b; // bin8/16/32 read as str8/16/32
        return switch (form) {
            case 0xd9 -> u8(field);
            case 0xda -> u16(field);
            case 0xdb -> u32(field);
            case 0xc0 -> -1;
            default -> throw malformed(field + " is not " + (binToo ? "bytes" : "a string")
                    + " (format 0x" + Integer.toHexString(b) + ")");
        };
    }

    private int checkLength(String field, long len, int maxBytes) throws DropException {
        if (len > maxBytes) {
            throw malformed(field + " is " + len + " bytes, the limit is " + maxBytes);
        }
        if (len > remaining()) {
            throw malformed(field + " claims " + len + " bytes, " + remaining() + " remain");
        }
        return (int) len;
    }

    private int peek(String what) throws DropException {
        if (pos >= end) {
            throw malformed(what + " is missing: message cut short");
        }
        return buf[pos] & 0xff;
    }

    private int next(String what) throws DropException {
        int b = peek(what);
        pos++;
        return b;
    }

    private long u8(String what) throws DropException {
        return next(what);
    }

    private long u16(String what) throws DropException {
        return (u8(what) << 8) | u8(what);
    }

    private long u32(String what) throws DropException {
        return (u16(what) << 16) | u16(what);
    }

    private long s64(String what) throws DropException {
        return (u32(what) << 32) | u32(what);
    }

    private static DropException malformed(String detail) {
        return new DropException("malformed", detail);
    }
}
