package io.grapevine.membership.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BroadcastQueueTest {

    private static byte[] msg(int id, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) id;
        return b;
    }

    @Test
    void retransmitLimitIsMultTimesCeilLog10OfNPlusOne() {
        AtomicInteger n = new AtomicInteger(1);
        BroadcastQueue q = new BroadcastQueue(4, n::get, 100);
        assertThat(q.retransmitLimit()).isEqualTo(4);
        n.set(9);
        assertThat(q.retransmitLimit()).isEqualTo(4);
        n.set(10);
        assertThat(q.retransmitLimit()).isEqualTo(8);
        n.set(1000);
        assertThat(q.retransmitLimit()).isEqualTo(16);
    }

    @Test
    void eachMessageGoesOutAtMostTheLimitThenFinishes() {
        BroadcastQueue q = new BroadcastQueue(2, () -> 5, 100);
        List<String> finished = new ArrayList<>();
        q.enqueue("a", msg(1, 10), () -> finished.add("a"));
        assertThat(q.take(2, 1000)).hasSize(1);
        assertThat(finished).isEmpty();
        assertThat(q.take(2, 1000)).hasSize(1);
        assertThat(finished).containsExactly("a");
        assertThat(q.take(2, 1000)).isEmpty();
        assertThat(q.size()).isZero();
    }

    @Test
    void fewestTransmittedFirstAndNewestFirstAmongEquals() {
        BroadcastQueue q = new BroadcastQueue(4, () -> 5, 100);
        q.enqueue("a", msg(1, 10), null);
        assertThat(q.take(2, 12)).hasSize(1); // a sent once
        q.enqueue("b", msg(2, 10), null);
        q.enqueue("c", msg(3, 10), null);
        List<byte[]> out = q.take(2, 24);
        assertThat(out).extracting(b -> (int) b[0]).containsExactly(3, 2);
    }

    @Test
    void aNewMessageAboutAMemberReplacesTheQueuedOne() {
        BroadcastQueue q = new BroadcastQueue(4, () -> 5, 100);
        List<String> finished = new ArrayList<>();
        q.enqueue("a", msg(1, 10), () -> finished.add("old"));
        q.enqueue("a", msg(2, 10), null);
        assertThat(finished).containsExactly("old");
        assertThat(q.take(2, 1000)).extracting(b -> (int) b[0]).containsExactly(2);
    }

    @Test
    void onlyWhatFitsIsTakenAndTheRestWaits() {
        BroadcastQueue q = new BroadcastQueue(4, () -> 5, 100);
        q.enqueue("big", msg(1, 500), null);
        q.enqueue("small", msg(2, 20), null);
        List<byte[]> out = q.take(2, 100);
        assertThat(out).extracting(b -> (int) b[0]).containsExactly(2);
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void theQueueIsBoundedDroppingTheMostSent() {
        BroadcastQueue q = new BroadcastQueue(4, () -> 5, 2);
        q.enqueue(null, msg(1, 10), null);
        q.take(2, 12);
        q.enqueue(null, msg(2, 10), null);
        q.enqueue(null, msg(3, 10), null);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.dropped()).isEqualTo(1);
        assertThat(q.take(2, 1000)).extracting(b -> (int) b[0]).containsExactlyInAnyOrder(2, 3);
    }
}
