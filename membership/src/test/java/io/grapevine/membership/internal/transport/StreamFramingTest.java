package io.grapevine.membership.internal.transport;

import static io.grapevine.membership.internal.transport.StreamMessages.concat;
import static io.grapevine.membership.internal.transport.StreamMessages.message;
import static io.grapevine.membership.internal.transport.StreamMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.internal.codec.DropException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StreamFramingTest {

    private static final byte[] TRAILER = {0, 2, 6, 10, (byte) 0xc1, 99, 1};

    static Stream<Arguments> validMessages() {
        return Stream.of(
                Arguments.of("ping", StreamMessages.ping(7, "n1")),
                Arguments.of("ack with nil payload", StreamMessages.ack(7)),
                Arguments.of("error", StreamMessages.error("remote node says no")),
                Arguments.of("compressed", StreamMessages.compressed(randomBytes(300, 1))),
                Arguments.of("push/pull", StreamMessages.pushPull(3, randomBytes(5, 2))),
                Arguments.of("push/pull, no nodes, no user state", StreamMessages.pushPull(0, new byte[0])),
                Arguments.of("push/pull, reordered header with an unknown nested key", reorderedPushPull()),
                Arguments.of("user", StreamMessages.user(randomBytes(40, 3))),
                Arguments.of("user, empty", StreamMessages.user(new byte[0])),
                Arguments.of("encrypted", StreamMessages.encrypted(randomBytes(100, 4))),
                Arguments.of("encrypted, empty", StreamMessages.encrypted(new byte[0])));
    }

    /** Keys in another order, an unknown key whose value is nested, and a nil-valued known key. */
    private static byte[] reorderedPushPull() {
        byte[] head = message(6, p -> {
            p.packMapHeader(4).packString("UserStateLen").packInt(3)
                    .packString("Extra").packArrayHeader(2).packMapHeader(1).packString("k").packBinaryHeader(2);
            p.writePayload(new byte[] {1, 2});
            p.packNil().packString("Nodes").packInt(1).packString("Join").packNil();
            p.packMapHeader(1).packString("Name").packString("x");
        });
        return concat(head, new byte[] {7, 8, 9});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validMessages")
    void everyPrefixNeedsMoreAndTheWholeMessageEndsExactly(String name, byte[] message) throws DropException {
        for (int split = 0; split < message.length; split++) {
            assertThat(StreamFraming.completeLength(Arrays.copyOf(message, split), split))
                    .as("prefix of %d bytes", split).isEqualTo(-1);
            assertThat(StreamFraming.completeLength(message, split)).as("first %d of the array", split).isEqualTo(-1);
        }
        assertThat(StreamFraming.completeLength(message, message.length)).isEqualTo(message.length);
        byte[] withTrailer = concat(message, TRAILER);
        assertThat(StreamFraming.completeLength(withTrailer, withTrailer.length)).isEqualTo(message.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validMessages")
    void oneScannerFedByteByByteFindsTheSameEnd(String name, byte[] message) throws DropException {
        byte[] withTrailer = concat(message, TRAILER);
        StreamFraming framing = new StreamFraming();
        for (int len = 0; len < message.length; len++) {
            assertThat(framing.scan(withTrailer, len)).as("after %d bytes", len).isEqualTo(-1);
        }
        for (int len = message.length; len <= withTrailer.length; len++) {
            assertThat(framing.scan(withTrailer, len)).isEqualTo(message.length);
        }
    }

    @Test
    void scannerSurvivesTheBufferBeingReallocatedBetweenCalls() throws DropException {
        byte[] message = StreamMessages.pushPull(20, randomBytes(33, 5));
        StreamFraming framing = new StreamFraming();
        for (int len = 0; len < message.length; len += 17) {
            assertThat(framing.scan(Arrays.copyOf(message, len + 3), len)).isEqualTo(-1);
        }
        assertThat(framing.scan(message.clone(), message.length)).isEqualTo(message.length);
    }

    @Test
    void largestPushPullFedInChunksIsFoundWhole() throws DropException {
        byte[] message = StreamMessages.pushPull(StreamFraming.MAX_PUSH_NODES, randomBytes(1000, 6));
        StreamFraming framing = new StreamFraming();
        int chunk = 64 * 1024;
        for (int len = chunk; len < message.length; len += chunk) {
            assertThat(framing.scan(message, len)).isEqualTo(-1);
        }
        assertThat(framing.scan(message, message.length)).isEqualTo(message.length);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("suspect is not a stream type", new byte[] {3, (byte) 0x80}),
                Arguments.of("compound is not a stream type", new byte[] {7, 1, 0, 1, 0}),
                Arguments.of("crc is not a stream type", new byte[] {12, 0, 0, 0, 0}),
                Arguments.of("unknown type", new byte[] {(byte) 0xff}),
                Arguments.of("never-used msgpack byte", new byte[] {0, (byte) 0xc1}),
                Arguments.of("push/pull header is an array", message(6, p -> p.packArrayHeader(1).packInt(1))),
                Arguments.of("header key is an integer", message(8, p -> p.packMapHeader(1).packInt(1).packInt(2))),
                Arguments.of("negative Nodes", message(6, p -> p.packMapHeader(1).packString("Nodes").packInt(-1))),
                Arguments.of("Nodes is a string", message(6, p -> p.packMapHeader(1).packString("Nodes").packString("3"))),
                Arguments.of("negative UserMsgLen", message(8, p -> p.packMapHeader(1).packString("UserMsgLen").packInt(-5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputIsDroppedAsMalformed(String name, byte[] input) {
        assertThatThrownBy(() -> StreamFraming.completeLength(input, input.length))
                .isInstanceOfSatisfying(DropException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
    }

    static Stream<Arguments> oversized() {
        int max = StreamFraming.MAX_LENGTH;
        return Stream.of(
                Arguments.of("encrypted length over 20 MiB", StreamMessages.encryptedHeader(max + 1L)),
                Arguments.of("encrypted length 4 GiB", StreamMessages.encryptedHeader(0xFFFFFFFFL)),
                Arguments.of("too many nodes", message(6, p -> p.packMapHeader(1).packString("Nodes")
                        .packInt(StreamFraming.MAX_PUSH_NODES + 1))),
                Arguments.of("user state over 20 MiB", message(6, p -> p.packMapHeader(2).packString("Nodes").packInt(0)
                        .packString("UserStateLen").packInt(max + 1))),
                Arguments.of("user message over 20 MiB", message(8, p -> p.packMapHeader(1).packString("UserMsgLen")
                        .packLong(1L << 40))),
                Arguments.of("Nodes beyond a long", message(6, p -> p.packMapHeader(1).packString("Nodes")
                        .packBigInteger(java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE)))),
                Arguments.of("compressed buffer claiming 30 MiB", message(9, p -> p.packMapHeader(2).packString("Algo")
                        .packInt(0).packString("Buf").packRawStringHeader(30 * 1024 * 1024))),
                Arguments.of("string claiming 4 GiB", concat(new byte[] {0, (byte) 0xdb}, new byte[] {-1, -1, -1, -1})),
                Arguments.of("array claiming 2^31-1 values", message(0, p -> p.packArrayHeader(Integer.MAX_VALUE))),
                Arguments.of("header map claiming 2^31-1 entries", message(8, p -> p.packMapHeader(Integer.MAX_VALUE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversized")
    void claimsBeyondTheBoundsAreDroppedBeforeTheBytesArrive(String name, byte[] input) {
        assertThatThrownBy(() -> StreamFraming.completeLength(input, input.length))
                .isInstanceOfSatisfying(DropException.class, e -> assertThat(e.reason()).isEqualTo("oversized"));
    }

    @Test
    void encryptedLengthAtTheBoundIsAcceptedAndAwaited() throws DropException {
        byte[] header = StreamMessages.encryptedHeader(StreamFraming.MAX_LENGTH);
        assertThat(StreamFraming.completeLength(header, header.length)).isEqualTo(-1);
    }

    @Test
    void incompleteMessageFillingTheBoundIsOversized() {
        // [0][array of 2][str32 of MAX-8 bytes][lone str32 marker]: every claim fits, yet the
        // message cannot end within MAX_MESSAGE_BYTES
        int max = StreamFraming.MAX_MESSAGE_BYTES;
        byte[] full = new byte[max];
        java.nio.ByteBuffer.wrap(full).put((byte) 0).put((byte) 0x92).put((byte) 0xdb).putInt(max - 8);
        full[max - 1] = (byte) 0xdb;
        assertThatThrownBy(() -> StreamFraming.completeLength(full, full.length))
                .isInstanceOfSatisfying(DropException.class, e -> assertThat(e.reason()).isEqualTo("oversized"));
    }

    @Test
    void nothingYetNeedsMore() throws DropException {
        assertThat(StreamFraming.completeLength(new byte[0], 0)).isEqualTo(-1);
    }
}
