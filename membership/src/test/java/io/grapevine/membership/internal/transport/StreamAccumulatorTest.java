package io.grapevine.membership.internal.transport;

import static io.grapevine.membership.internal.transport.StreamMessages.concat;
import static io.grapevine.membership.internal.transport.StreamMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.internal.codec.DropException;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class StreamAccumulatorTest {

    @Test
    void chunksAddUpToTheMessageAndTrailingBytesAreLeftOut() throws DropException {
        byte[] message = StreamMessages.pushPull(5_000, randomBytes(777, 11));
        byte[] input = concat(message, new byte[] {6, 6, 6});
        StreamAccumulator accumulator = new StreamAccumulator(ByteBudget.UNLIMITED);
        byte[] result = null;
        int chunk = 1_000;
        for (int at = 0; result == null; at += chunk) {
            assertThat(at).as("message found before the input ran out").isLessThan(input.length);
            result = accumulator.append(Unpooled.wrappedBuffer(input, at, Math.min(chunk, input.length - at)));
        }
        assertThat(result).isEqualTo(message);
    }

    @Test
    void chunkIsNotConsumed() throws DropException {
        byte[] message = StreamMessages.ack(3);
        var chunk = Unpooled.wrappedBuffer(message);
        assertThat(new StreamAccumulator(ByteBudget.UNLIMITED).append(chunk)).isEqualTo(message);
        assertThat(chunk.readableBytes()).isEqualTo(message.length);
    }

    @Test
    void oversizedClaimIsRefusedOnItsHeader() {
        byte[] header = StreamMessages.encryptedHeader(StreamFraming.MAX_LENGTH + 1L);
        assertThatThrownBy(() -> new StreamAccumulator(ByteBudget.UNLIMITED).append(Unpooled.wrappedBuffer(header)))
                .isInstanceOfSatisfying(DropException.class, e -> assertThat(e.reason()).isEqualTo("oversized"));
    }

    @Test
    void memoryIsReservedFromTheBudgetAndGivenBack() throws DropException {
        ByteBudget budget = new ByteBudget(1 << 20);
        byte[] message = StreamMessages.encrypted(randomBytes(10_000, 12));
        StreamAccumulator accumulator = new StreamAccumulator(budget);

        assertThat(accumulator.append(Unpooled.wrappedBuffer(message, 0, 5_000))).isNull();
        long held = (1 << 20) - budget.available();
        assertThat(held).isBetween(5_000L, 10_000L);
        assertThat(accumulator.append(Unpooled.wrappedBuffer(message, 5_000, message.length - 5_000)))
                .isEqualTo(message);
        accumulator.release();
        accumulator.release();

        assertThat(budget.available()).isEqualTo(1 << 20);
        assertThat(accumulator.append(Unpooled.wrappedBuffer(message))).as("nothing after release").isNull();
        assertThat(budget.available()).isEqualTo(1 << 20);
    }

    @Test
    void exhaustedBudgetRefusesTheStreamAsOverloaded() {
        ByteBudget budget = new ByteBudget(4_096);
        byte[] message = StreamMessages.encrypted(randomBytes(10_000, 13));

        assertThatThrownBy(() -> new StreamAccumulator(budget).append(Unpooled.wrappedBuffer(message)))
                .isInstanceOfSatisfying(DropException.class, e -> assertThat(e.reason()).isEqualTo("overloaded"));
        assertThat(budget.available()).isEqualTo(4_096);
    }
}
