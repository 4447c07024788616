package io.grapevine.membership.internal.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Hand-built memberlist stream messages, shaped as Go's codec writes them. */
final class StreamMessages {

    private StreamMessages() {
    }

    /** Writes msgpack after a type byte. */
    @FunctionalInterface
    interface Body {
        void write(MessageBufferPacker packer) throws IOException;
    }

    static byte[] message(int type, Body body) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.writePayload(new byte[] {(byte) type});
            body.write(packer);
            packer.flush();
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void raw(MessageBufferPacker packer, byte[] bytes) throws IOException {
        packer.packRawStringHeader(bytes.length);
        packer.writePayload(bytes);
    }

    static byte[] ping(long seqNo, String node) {
        return message(0, p -> p.packMapHeader(2).packString("Node").packString(node).packString("SeqNo").packLong(seqNo));
    }

    static byte[] ack(long seqNo) {
        return message(2, p -> p.packMapHeader(2).packString("Payload").packNil().packString("SeqNo").packLong(seqNo));
    }

    static byte[] error(String text) {
        return message(13, p -> p.packMapHeader(1).packString("Error").packString(text));
    }

    static byte[] compressed(byte[] lzw) {
        return message(9, p -> {
            p.packMapHeader(2).packString("Algo").packInt(0).packString("Buf");
            raw(p, lzw);
        });
    }

    /** {@code [6][header][nodes x node state][userState]}, as push/pull is sent. */
    static byte[] pushPull(int nodes, byte[] userState) {
        byte[] msgpack = message(6, p -> {
            p.packMapHeader(3).packString("Join").packBoolean(true)
                    .packString("Nodes").packInt(nodes)
                    .packString("UserStateLen").packInt(userState.length);
            for (int i = 0; i < nodes; i++) {
                p.packMapHeader(7);
                p.packString("Addr");
                raw(p, new byte[] {127, 0, 0, (byte) (1 + i % 250)});
                p.packString("Incarnation").packLong(i + 1L);
                p.packString("Meta");
                raw(p, new byte[] {(byte) 0xff, (byte) 0x80});
                p.packString("Name").packString("node-" + i);
                p.packString("Port").packInt(7946);
                p.packString("State").packInt(i % 4);
                p.packString("Vsn");
                raw(p, new byte[] {1, 5, 2, 2, 5, 5});
            }
        });
        return concat(msgpack, userState);
    }

    /** {@code [8][{UserMsgLen}][payload]}, a user message over a stream. */
    static byte[] user(byte[] payload) {
        return concat(message(8, p -> p.packMapHeader(1).packString("UserMsgLen").packInt(payload.length)), payload);
    }

    /** {@code [10][u32 length][body]}, the encryption layer's framing. */
    static byte[] encrypted(byte[] body) {
        return concat(encryptedHeader(body.length), body);
    }

    static byte[] encryptedHeader(long length) {
        return ByteBuffer.allocate(5).put((byte) 10).putInt((int) length).array();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
