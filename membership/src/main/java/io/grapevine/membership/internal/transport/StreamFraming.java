package io.grapevine.membership.internal.transport;

import io.grapevine.membership.internal.codec.DropException;
import io.grapevine.membership.internal.codec.MessageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessageIntegerOverflowException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Finds where the first memberlist stream message ends in the bytes read so far.
 *
 * <p>memberlist streams carry no length prefix (except the encryption layer): a message ends
 * where its msgpack ends, plus the raw bytes its header announces. So a reader must understand
 * just enough msgpack to know when to stop reading and hand the message on:
 * <ul>
 *   <li>0 ping, 2 ack, 13 error, 9 compressed: one msgpack value after the type byte;</li>
 *   <li>6 push/pull: a header map ({@code Nodes}, {@code UserStateLen}), then {@code Nodes}
 *       msgpack values, then {@code UserStateLen} raw bytes;</li>
 *   <li>8 user: a header map ({@code UserMsgLen}), then that many raw bytes;</li>
 *   <li>10 encrypted: {@code [10][u32 length]} then {@code length} bytes.</li>
 * </ul>
 * Any other first byte is malformed: v0.2.2 accepts no other type on a stream.
 *
 * <p>An instance is incremental: {@link #scan} may be called again each time more bytes have
 * arrived (the earlier bytes unchanged, the buffer possibly reallocated), and resumes after the
 * last value it fully understood, so reading a message costs time linear in its size however
 * it is chunked. {@link #completeLength} is the one-shot form.
 *
 * <p>Everything a peer claims is bounded before it is trusted: lengths at most
 * {@link #MAX_LENGTH}, at most {@link #MAX_PUSH_NODES} node states, and no message longer than
 * {@link #MAX_MESSAGE_BYTES}. This class never allocates from a claimed size.
 */
public final class StreamFraming {

    /** Bound on any length a peer claims (encrypted payload, user state, user message): 20 MiB, as memberlist. */
    public static final int MAX_LENGTH = 20 * 1024 * 1024;

    /** The encryption layer's own header: type byte plus u32 length. */
    static final int ENCRYPTED_HEADER_BYTES = 5;

    /** Bound on a whole stream message: room for any encrypted frame memberlist accepts. */
    public static final int MAX_MESSAGE_BYTES = MAX_LENGTH + ENCRYPTED_HEADER_BYTES;

    /** Bound on {@code Nodes} in a push/pull header. */
    public static final int MAX_PUSH_NODES = 100_000;

    private static final byte[] KEY_NODES = "Nodes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_USER_STATE_LEN = "UserStateLen".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_USER_MSG_LEN = "UserMsgLen".getBytes(StandardCharsets.US_ASCII);
    /** Header keys are short; a longer key cannot be one we need, so it is skipped unread. */
    private static final int MAX_KNOWN_KEY = 16;

    private enum Phase { TYPE, ENCRYPTED_LENGTH, HEADER, VALUES, RAW, DONE }

    private Phase phase = Phase.TYPE;
    private int type = -1;
    /** Bytes before {@code pos} are fully understood. */
    private int pos;
    /** msgpack values still to skip in the current VALUES phase, or inside a header entry. */
    private long pendingValues;
    /** Header map entries not yet read; -1 before the map header. */
    private long headerEntriesLeft = -1;
    private long nodes;
    private long rawLength;
    private int end = -1;

    /** A fresh scanner, positioned before the type byte. */
    public StreamFraming() {
    }

    /**
     * One-shot form of {@link #scan}.
     *
     * @param buf bytes received so far
     * @param len how many of them are valid
     * @return -1 when more bytes are needed, else the length of the first complete message
     * @throws DropException {@code malformed} or {@code oversized}
     */
    public static int completeLength(byte[] buf, int len) throws DropException {
        return new StreamFraming().scan(buf, len);
    }

    /**
     * Resumes scanning with {@code len} bytes available. The first bytes must be the same as
     * in earlier calls on this instance; only new bytes are examined.
     *
     * @param buf bytes received so far
     * @param len how many of them are valid
     * @return -1 when more bytes are needed, else the length of the first complete message
     *         (bytes after it are ignored)
     * @throws DropException {@code malformed} for bytes that cannot begin a stream message,
     *                       {@code oversized} when a bound is exceeded
     */
    public int scan(byte[] buf, int len) throws DropException {
        if (len < 0 || len > buf.length) {
            throw new IllegalArgumentException("len " + len + " outside buffer of " + buf.length);
        }
        if (phase == Phase.DONE) {
            return end;
        }
        if (phase == Phase.TYPE && !readType(buf, len)) {
            return -1;
        }
        if (phase == Phase.ENCRYPTED_LENGTH && !readEncryptedLength(buf, len)) {
            return -1;
        }
        if (phase == Phase.HEADER || phase == Phase.VALUES) {
            MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(buf, pos, len - pos);
            int base = pos;
            try {
                if (phase == Phase.HEADER) {
                    readHeader(unpacker, base);
                }
                skipPending(unpacker, base);
                phase = Phase.RAW;
            } catch (MessageInsufficientBufferException e) {
                return needMore(len);
            } catch (MessageSizeException | MessageIntegerOverflowException e) {
                throw new DropException("oversized", "msgpack size beyond bounds: " + e.getMessage());
            } catch (MessagePackException | IOException e) {
                throw new DropException("malformed", "bad msgpack in stream type " + type + ": " + e.getMessage());
            }
        }
        // RAW: the message ends rawLength bytes after the last msgpack value.
        long total = pos + rawLength;
        if (total > MAX_MESSAGE_BYTES) {
            throw oversized(total);
        }
        if (len < total) {
            return -1;
        }
        end = (int) total;
        phase = Phase.DONE;
        return end;
    }

    private boolean readType(byte[] buf, int len) throws DropException {
        if (len < 1) {
            return false;
        }
        type = buf[0] & 0xFF;
        pos = 1;
        switch (type) {
            case MessageType.PING, MessageType.ACK, MessageType.ERROR, MessageType.COMPRESS -> {
                pendingValues = 1;
                phase = Phase.VALUES;
            }
            case MessageType.PUSH_PULL, MessageType.USER -> phase = Phase.HEADER;
            case MessageType.ENCRYPT -> phase = Phase.ENCRYPTED_LENGTH;
            default -> throw new DropException("malformed", "stream cannot start with type " + type);
        }
        return true;
    }

    private boolean readEncryptedLength(byte[] buf, int len) throws DropException {
        if (len < ENCRYPTED_HEADER_BYTES) {
            return false;
        }
        long length = ((buf[1] & 0xFFL) << 24) | ((buf[2] & 0xFFL) << 16) | ((buf[3] & 0xFFL) << 8) | (buf[4] & 0xFFL);
        if (length > MAX_LENGTH) {
            throw new DropException("oversized", "encrypted stream claims " + length + " bytes");
        }
        pos = ENCRYPTED_HEADER_BYTES;
        rawLength = length;
        phase = Phase.RAW;
        return true;
    }

    /** Reads the push/pull or user header map one entry at a time, checkpointing after each. */
    private void readHeader(MessageUnpacker unpacker, int base) throws IOException, DropException {
        if (headerEntriesLeft < 0) {
            MessageFormat format = unpacker.getNextFormat();
            if (format.getValueType() != ValueType.MAP) {
                throw new DropException("malformed", "stream type " + type + " header is " + format + ", not a map");
            }
            headerEntriesLeft = unpacker.unpackMapHeader();
            checkpoint(unpacker, base);
        }
        while (headerEntriesLeft > 0) {
            if (pos + 2 * headerEntriesLeft > MAX_MESSAGE_BYTES) {
                throw new DropException("oversized", "stream header claims " + headerEntriesLeft + " more entries");
            }
            if (pendingValues > 0) {
                // resuming inside the value of a key we do not need
                skipPending(unpacker, base);
                headerEntriesLeft--;
                continue;
            }
            if (unpacker.getNextFormat().getValueType() != ValueType.STRING) {
                throw new DropException("malformed", "stream type " + type + " header has a non-string key");
            }
            int keyLength = unpacker.unpackRawStringHeader();
            checkBound(unpacker, base, keyLength);
            byte[] key = keyLength <= MAX_KNOWN_KEY ? unpacker.readPayload(keyLength) : null;
            if (key == null) {
                unpacker.readPayloadAsReference(keyLength);
            }
            if (isKey(key, KEY_NODES)) {
                nodes = readCount(unpacker, "Nodes");
            } else if (isKey(key, type == MessageType.PUSH_PULL ? KEY_USER_STATE_LEN : KEY_USER_MSG_LEN)) {
                rawLength = readCount(unpacker, type == MessageType.PUSH_PULL ? "UserStateLen" : "UserMsgLen");
            } else {
                checkpoint(unpacker, base);
                pendingValues = 1;
                continue;
            }
            checkpoint(unpacker, base);
            headerEntriesLeft--;
        }
        if (type == MessageType.PUSH_PULL) {
            if (nodes > MAX_PUSH_NODES) {
                throw new DropException("oversized", "push/pull claims " + nodes + " nodes");
            }
            pendingValues = nodes;
        } else {
            nodes = 0;
            pendingValues = 0;
        }
        if (rawLength > MAX_LENGTH) {
            throw new DropException("oversized", "stream type " + type + " claims " + rawLength + " raw bytes");
        }
        phase = Phase.VALUES;
    }

    private static boolean isKey(byte[] key, byte[] expected) {
        return key != null && Arrays.equals(key, expected);
    }

    private long readCount(MessageUnpacker unpacker, String name) throws IOException, DropException {
        ValueType valueType = unpacker.getNextFormat().getValueType();
        if (valueType == ValueType.NIL) {
            unpacker.unpackNil();
            return 0;
        }
        if (valueType != ValueType.INTEGER) {
            throw new DropException("malformed", name + " is " + valueType + ", not an integer");
        }
        long value = unpacker.unpackLong();
        if (value < 0) {
            throw new DropException("malformed", name + " is negative: " + value);
        }
        return value;
    }

    /**
     * Skips {@code pendingValues} msgpack values without recursion, checkpointing after each
     * header or payload, so an interrupted skip resumes where it stopped. Containers add their
     * children to the count; every value needs at least one byte, which bounds the count.
     */
    private void skipPending(MessageUnpacker unpacker, int base) throws IOException, DropException {
        while (pendingValues > 0) {
            if (pos + pendingValues > MAX_MESSAGE_BYTES) {
                throw new DropException("oversized", "stream claims " + pendingValues + " more msgpack values");
            }
            MessageFormat format = unpacker.getNextFormat();
            switch (format.getValueType()) {
                case MAP -> pendingValues += 2L * unpacker.unpackMapHeader();
                case ARRAY -> pendingValues += unpacker.unpackArrayHeader();
                case STRING -> skipPayload(unpacker, base, unpacker.unpackRawStringHeader());
                case BINARY -> skipPayload(unpacker, base, unpacker.unpackBinaryHeader());
                case EXTENSION -> skipPayload(unpacker, base, unpacker.unpackExtensionTypeHeader().getLength());
                default -> unpacker.skipValue(); // nil, boolean, integer, float: no children
            }
            pendingValues--;
            checkpoint(unpacker, base);
        }
    }

    private void skipPayload(MessageUnpacker unpacker, int base, int length) throws IOException, DropException {
        checkBound(unpacker, base, length);
        unpacker.readPayloadAsReference(length); // a view, not a copy; throws when not all arrived
    }

    private void checkBound(MessageUnpacker unpacker, int base, long length) throws DropException {
        long total = base + unpacker.getTotalReadBytes() + length;
        if (total > MAX_MESSAGE_BYTES) {
            throw oversized(total);
        }
    }

    private void checkpoint(MessageUnpacker unpacker, int base) {
        pos = base + (int) unpacker.getTotalReadBytes();
    }

    private int needMore(int len) throws DropException {
        if (len >= MAX_MESSAGE_BYTES) {
            throw oversized(len);
        }
        return -1;
    }

    private DropException oversized(long total) {
        return new DropException("oversized", "stream type " + type + " message of at least " + total
                + " bytes exceeds " + MAX_MESSAGE_BYTES);
    }
}
