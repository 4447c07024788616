package io.grapevine.membership.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The queue against the plainest model of its rules (one list, sorted before every take): over
 * long random histories of enqueues, replacements, takes with every budget, a changing cluster
 * size and the bound, both must send the same messages in the same order and finish the same
 * messages in the same order.
 */
class BroadcastQueueModelTest {

    /** The rules, written as directly as possible. */
    private static final class Model {
        final int mult;
        final AtomicInteger n;
        final int max;
        final List<long[]> items = new ArrayList<>(); // {id, transmits, name or -1, size}
        final List<String> finished;
        long nextId;
        long dropped;

        Model(int mult, AtomicInteger n, int max, List<String> finished) {
            this.mult = mult;
            this.n = n;
            this.max = max;
            this.finished = finished;
        }

        static final Comparator<long[]> ORDER = Comparator.<long[]>comparingLong(i -> i[1]).thenComparing(i -> -i[0]);

        void enqueue(int name, int size) {
            if (name >= 0) {
                for (Iterator<long[]> it = items.iterator(); it.hasNext(); ) {
                    long[] i = it.next();
                    if (i[2] == name) {
                        it.remove();
                        finished.add("m" + i[0]);
                    }
                }
            }
            items.add(new long[] {nextId++, 0, name, size});
            while (items.size() > max) {
                items.sort(ORDER);
                long[] worst = items.remove(items.size() - 1);
                finished.add("m" + worst[0]);
                dropped++;
            }
        }

        List<Long> take(int overhead, int limit) {
            items.sort(ORDER);
            int transmitLimit = mult * (int) Math.ceil(Math.log10(n.get() + 1.0));
            List<Long> out = new ArrayList<>();
            List<long[]> sent = new ArrayList<>();
            int used = 0;
            int skips = 0;
            for (long[] i : items) {
                if (limit - used < overhead + 8 || skips > 64) {
                    break;
                }
                int cost = (int) i[3] + overhead;
                if (used + cost > limit) {
                    skips++;
                    continue;
                }
                used += cost;
                out.add(i[0]);
                sent.add(i);
            }
            for (long[] i : sent) {
                i[1]++;
                if (i[1] >= transmitLimit) {
                    items.remove(i);
                    finished.add("m" + i[0]);
                }
            }
            return out;
        }
    }

    private static byte[] message(long id, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < Math.min(8, size); i++) {
            b[i] = (byte) (id >>> (8 * i));
        }
        return b;
    }

    private static long idOf(byte[] b) {
        long id = 0;
        for (int i = 0; i < Math.min(8, b.length); i++) {
            id |= (b[i] & 0xFFL) << (8 * i);
        }
        return id;
    }

    @Test
    void sendsAndFinishesExactlyAsTheRulesSay() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            AtomicInteger n = new AtomicInteger(1 + random.nextInt(2000));
            int max = 20 + random.nextInt(300);
            List<String> finishedQueue = new ArrayList<>();
            List<String> finishedModel = new ArrayList<>();
            BroadcastQueue queue = new BroadcastQueue(1 + random.nextInt(4), n::get, max);
            Model model = new Model(queue.retransmitLimit() / Math.max(1, (int) Math.ceil(Math.log10(n.get() + 1.0))),
                    n, max, finishedModel);
            long id = 0;
            for (int step = 0; step < 3_000; step++) {
                int action = random.nextInt(10);
                if (action < 5) {
                    int name = random.nextInt(4) == 0 ? -1 : random.nextInt(400);
                    int size = 8 + random.nextInt(random.nextInt(10) == 0 ? 900 : 80);
                    long myId = id++;
                    queue.enqueue(name < 0 ? null : "n" + name, message(myId, size), () -> finishedQueue.add("m" + myId));
                    model.enqueue(name, size);
                } else if (action < 9) {
                    int limit = random.nextInt(1400);
                    List<Long> sent = new ArrayList<>();
                    for (byte[] b : queue.take(2, limit)) {
                        sent.add(idOf(b));
                    }
                    assertThat(sent).as("seed %d step %d", seed, step).isEqualTo(model.take(2, limit));
                } else {
                    n.set(1 + random.nextInt(20_000));
                }
                assertThat(queue.size()).as("seed %d step %d", seed, step).isEqualTo(model.items.size());
                assertThat(finishedQueue).as("seed %d step %d", seed, step).isEqualTo(finishedModel);
            }
            assertThat(queue.dropped()).isEqualTo(model.dropped);
        }
    }
}
