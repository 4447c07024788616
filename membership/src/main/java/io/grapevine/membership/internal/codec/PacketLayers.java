package io.grapevine.membership.internal.codec;

import io.grapevine.membership.Keyring;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layers around UDP messages, in memberlist's order: on send, message or compound ->
 * compress (when on, and only if smaller) -> CRC (when the peer's protocol max is at least 5) ->
 * encrypt (when a keyring is set); on receive the reverse.
 *
 * <p>Failure is reported at two levels, so that one bad part does not cost a whole compound and
 * so that every loss is counted:
 * <ul>
 *   <li>a packet that cannot be used at all (does not decrypt, bad CRC, its outer message or
 *       compound header is malformed) throws {@link DropException} from {@link #unwrap};</li>
 *   <li>inside a compound, each part that fails becomes one entry in {@link Unwrapped#drops()}
 *       with that failure's reason, and each part lost to truncation one entry with reason
 *       {@code truncated}, while the good parts are still returned.</li>
 * </ul>
 * Compound and compressed layers may nest at most {@value #MAX_NESTING} deep (memberlist sends
 * compressed compounds; a part may also be compressed). A CRC layer anywhere but outermost is
 * malformed, as memberlist treats it. Inflation is bounded per compressed layer at ten times its
 * compressed size, at least 64 KiB and at most 1 MiB. Thread-safe.
 */
public final class PacketLayers {
    /** Most compound/compressed layers one packet may stack. */
    public static final int MAX_NESTING = 2;
    private static final int MIN_INFLATE = 64 * 1024;
    private static final int MAX_INFLATE = 1024 * 1024;

    private final Encryption encryption;
    private final boolean compress;

    /**
     * What one datagram held.
     *
     * @param messages the messages decoded, in packet order
     * @param drops    one entry per compound part that was dropped (undecodable, or
     *                 {@code truncated} away), for the caller to count by {@link DropException#reason()}
     */
    public record Unwrapped(List<Message> messages, List<DropException> drops) {
    }

    /**
     * @param keyringOrNull the keys when gossip is encrypted, else null
     * @param compress      whether to compress outbound packets (when it makes them smaller)
     */
    public PacketLayers(Keyring keyringOrNull, boolean compress) {
        this.encryption = keyringOrNull == null ? null : new Encryption(keyringOrNull);
        this.compress = compress;
    }

    /**
     * @param payload an encoded message or compound
     * @param withCrc whether to add a checksum (only for peers with protocol max >= 5)
     * @return the datagram
     */
    public byte[] wrap(byte[] payload, boolean withCrc) {
        byte[] out = payload;
        if (compress) {
            byte[] compressed = Compression.wrap(payload);
            if (compressed.length < payload.length) {
                out = compressed;
            }
        }
        if (withCrc) {
            out = Crc.wrap(out);
        }
        if (encryption != null) {
            out = encryption.encryptPacket(out);
        }
        return out;
    }

    /**
     * @param datagram what arrived
     * @return the messages and the per-part drops
     * @throws DropException when nothing in the datagram can be used: {@code decrypt},
     *                       {@code plaintext} (a keyring is set and the datagram cannot be a
     *                       sealed one: its first byte is no encryption version), {@code crc},
     *                       {@code compression}, {@code malformed}, {@code unknown-type},
     *                       {@code oversized}. A plaintext ping or indirect ping reaching a node
     *                       with a keyring counts as {@code decrypt}: its type byte (0 or 1) is
     *                       also a valid encryption version.
     */
    public Unwrapped unwrap(byte[] datagram) throws DropException {
        byte[] buf = datagram;
        if (encryption != null) {
            if (buf.length > 0 && (buf[0] & 0xff) > Encryption.VERSION_UNPADDED) {
                throw new DropException("plaintext", "unencrypted packet (type " + (buf[0] & 0xff) + ") while a keyring is set");
            }
            buf = encryption.decryptPacket(buf);
        }
        int from = 0;
        if (buf.length > 0 && (buf[0] & 0xff) == MessageType.HAS_CRC) {
            from = Crc.verify(buf);
        }
        List<Message> messages = new ArrayList<>();
        List<DropException> drops = new ArrayList<>();
        collect(buf, from, buf.length, 0, messages, drops);
        return new Unwrapped(List.copyOf(messages), List.copyOf(drops));
    }

    private static void collect(byte[] buf, int from, int to, int depth, List<Message> messages, List<DropException> drops)
            throws DropException {
        int type = from >= to ? -1 : buf[from] & 0xff;
        if (type == MessageType.HAS_CRC) {
            throw new DropException("malformed", "a CRC layer inside another layer");
        }
        if (type != MessageType.COMPOUND && type != MessageType.COMPRESS) {
            messages.add(WireCodec.decode(buf, from, to, false));
            return;
        }
        if (depth >= MAX_NESTING) {
            throw new DropException("malformed", "compound/compressed layers nested deeper than " + MAX_NESTING);
        }
        if (type == MessageType.COMPRESS) {
            byte[] compressed = from == 0 && to == buf.length ? buf : Arrays.copyOfRange(buf, from, to);
            int maxOut = (int) Math.min(MAX_INFLATE, Math.max(MIN_INFLATE, 10L * compressed.length));
            byte[] inflated = Compression.unwrap(compressed, maxOut);
            collect(inflated, 0, inflated.length, depth + 1, messages, drops);
            return;
        }
        int[] found = new int[1];
        int missing = Compound.walk(buf, from, to, (b, partFrom, partTo) -> {
            found[0]++;
            try {
                collect(b, partFrom, partTo, depth + 1, messages, drops);
            } catch (DropException e) {
                drops.add(e);
            }
        });
        for (int i = 0; i < missing; i++) {
            drops.add(new DropException("truncated", "compound part " + (found[0] + i + 1)
                    + " of " + (found[0] + missing) + " lost to truncation"));
        }
    }
}
