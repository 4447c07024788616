package io.grapevine.membership.internal.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Writes msgpack exactly as hashicorp/go-msgpack (v0.5.x, the codec memberlist v0.2.2 uses)
 * writes it with its default handle, so that peers byte-compare equal encodings and so that our
 * test vectors can be checked against captures:
 * <ul>
 *   <li>strings and byte slices alike in the old "raw" family: fixstr, 0xda u16, 0xdb u32 -
 *       never str8 (0xd9) and never bin, which v0.5.x only emits with {@code WriteExt};</li>
 *   <li>a nil byte slice as msgpack nil (0xc0);</li>
 *   <li>non-negative integers in the smallest unsigned form (fixint, 0xcc, 0xcd, 0xce, 0xcf).</li>
 * </ul>
 * Structs are written by the caller as a map header followed by key/value pairs, keys sorted by
 * Go field name (go-msgpack sorts struct fields by name when it writes maps). Not thread-safe;
 * one writer builds one buffer.
 */
public final class GoMsgpackWriter {
    private static final MessagePack.PackerConfig GO_FORMS =
            new MessagePack.PackerConfig().withStr8FormatSupport(false);
    private final MessageBufferPacker packer = GO_FORMS.newBufferPacker();

    /** Starts an empty buffer. */
    public GoMsgpackWriter() {
    }

    /**
     * Appends one byte outside msgpack, such as a message type byte.
     *
     * @param b the byte value, 0..255
     * @return this writer
     */
    public GoMsgpackWriter rawByte(int b) {
        return raw(new byte[] {(byte) b});
    }

    /**
     * Appends bytes outside msgpack, such as the payload that follows a user message header.
     *
     * @param bytes the bytes (null appends nothing)
     * @return this writer
     */
    public GoMsgpackWriter raw(byte[] bytes) {
        if (bytes != null && bytes.length > 0) {
            run(() -> packer.writePayload(bytes));
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
        run(() -> packer.packMapHeader(entries));
        return this;
    }

    /**
     * Writes a string (a map key or a Go string); Go has no nil string, so null writes "".
     *
     * @param s the string
     * @return this writer
     */
    public GoMsgpackWriter string(String s) {
        return rawString(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
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
        run(() -> {
            packer.packRawStringHeader(b.length);
            packer.writePayload(b);
        });
        return this;
    }

    /**
     * Writes an integer in Go's form: the smallest unsigned form when non-negative, the smallest
     * signed form otherwise.
     *
     * @param v the value
     * @return this writer
     */
    public GoMsgpackWriter integer(long v) {
        run(() -> packer.packLong(v));
        return this;
    }

    /**
     * @param b the value
     * @return this writer
     */
    public GoMsgpackWriter bool(boolean b) {
        run(() -> packer.packBoolean(b));
        return this;
    }

    /** @return this writer, after writing msgpack nil (0xc0) */
    public GoMsgpackWriter nil() {
        run(packer::packNil);
        return this;
    }

    /** @return everything written so far */
    public byte[] toByteArray() {
        return packer.toByteArray();
    }

    private interface PackStep {
        void run() throws IOException;
    }

    private static void run(PackStep step) {
        try {
            step.run();
        } catch (IOException e) {
            // A buffer packer never does I/O; this would be a msgpack-core bug.
            throw new UncheckedIOException(e);
        }
    }
}
