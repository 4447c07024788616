package io.grapevine.membership.internal.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Tags as serf puts them in memberlist's node meta: byte 0xFF (serf's "tag magic") followed by
 * a msgpack map of string to string, written as Go's codec writes it (raw strings, no str8).
 */
public final class SerfTags {
    /** Serf's marker that the meta holds encoded tags rather than a bare role string. */
    public static final int TAG_MAGIC = 0xFF;
    private static final MessagePack.PackerConfig GO_PACKER =
            new MessagePack.PackerConfig().withStr8FormatSupport(false);

    private SerfTags() {
    }

    /**
     * @param tags the tags; written sorted by key so the same tags give the same bytes
     * @return the meta bytes
     */
    public static byte[] encode(Map<String, String> tags) {
        try (MessageBufferPacker p = GO_PACKER.newBufferPacker()) {
            p.writePayload(new byte[] {(byte) TAG_MAGIC});
            TreeMap<String, String> sorted = new TreeMap<>(tags);
            p.packMapHeader(sorted.size());
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                packRaw(p, e.getKey());
                packRaw(p, e.getValue());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void packRaw(MessageBufferPacker p, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.packRawStringHeader(b.length);
        p.writePayload(b);
    }

    /**
     * Decodes meta into tags. Meta without the magic byte is serf's legacy form: the whole meta
     * is the "role" tag.
     *
     * @param meta the meta bytes (may be empty)
     * @return the tags
     * @throws IllegalArgumentException when the meta is not a well-formed tag map
     */
    public static Map<String, String> decode(byte[] meta) {
        if (meta == null || meta.length == 0) {
            return Map.of();
        }
        if ((meta[0] & 0xFF) != TAG_MAGIC) {
            return Map.of("role", new String(meta, StandardCharsets.UTF_8));
        }
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(meta, 1, meta.length - 1)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
                throw new IllegalArgumentException("meta tag section is not a msgpack map");
            }
            int n = u.unpackMapHeader();
            if (n > meta.length) {
                throw new IllegalArgumentException("meta map claims " + n + " entries in " + meta.length + " bytes");
            }
            TreeMap<String, String> tags = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                tags.put(readText(u), readText(u));
            }
            return Map.copyOf(tags);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed serf tags: " + e.getMessage(), e);
        }
    }

    private static String readText(MessageUnpacker u) throws IOException {
        ValueType t = u.getNextFormat().getValueType();
        if (t == ValueType.BINARY) {
            int len = u.unpackBinaryHeader();
            return new String(u.readPayload(len), StandardCharsets.UTF_8);
        }
        if (t == ValueType.STRING) {
            int len = u.unpackRawStringHeader();
            return new String(u.readPayload(len), StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("tag key or value is " + t + ", not a string");
    }
}
