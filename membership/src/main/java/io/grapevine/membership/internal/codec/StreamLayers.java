package io.grapevine.membership.internal.codec;

import io.grapevine.membership.Keyring;

/**
 * The layers around one TCP exchange, in memberlist's order: on send, message -> compress (when
 * on; memberlist compresses streams unconditionally, and so do we) -> encrypt as
 * {@code [10][length][sealed]} (when a keyring is set); on receive the reverse. The bytes given
 * to {@link #unwrap} are one whole framed stream message (framing is not this class's job).
 * Inflation is bounded at {@link WireCodec#MAX_STREAM_BYTES}. Thread-safe.
 */
public final class StreamLayers {
    private final Encryption encryption;
    private final boolean compress;

    /**
     * @param keyringOrNull the keys when gossip is encrypted, else null
     * @param compress      whether to compress outbound streams
     */
    public StreamLayers(Keyring keyringOrNull, boolean compress) {
        this.encryption = keyringOrNull == null ? null : new Encryption(keyringOrNull);
        this.compress = compress;
    }

    /**
     * @param message an encoded message ({@link WireCodec#encode})
     * @return the bytes to write to the connection
     */
    public byte[] wrap(byte[] message) {
        byte[] out = compress ? Compression.wrap(message) : message;
        return encryption == null ? out : encryption.encryptStream(out);
    }

    /**
     * @param stream one whole stream message as read from the connection
     * @return the message
     * @throws DropException {@code plaintext} when a keyring is set and the stream is not
     *                       encrypted (memberlist answers that with an error response),
     *                       {@code decrypt} when it is encrypted but cannot be opened or no
     *                       keyring is set, else as {@link WireCodec#decode} and
     *                       {@link Compression#unwrap}
     */
    public Message unwrap(byte[] stream) throws DropException {
        byte[] buf = stream;
        boolean sealed = buf.length > 0 && (buf[0] & 0xff) == MessageType.ENCRYPT;
        if (encryption != null) {
            if (!sealed) {
                throw new DropException("plaintext", "unencrypted stream while a keyring is set");
            }
            buf = encryption.decryptStream(buf);
        } else if (sealed) {
            throw new DropException("decrypt", "encrypted stream but no keyring is configured");
        }
        if (buf.length > 0 && (buf[0] & 0xff) == MessageType.COMPRESS) {
            buf = Compression.unwrap(buf, WireCodec.MAX_STREAM_BYTES);
        }
        return WireCodec.decode(buf, true);
    }
}
