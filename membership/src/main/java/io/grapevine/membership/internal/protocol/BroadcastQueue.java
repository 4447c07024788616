package io.grapevine.membership.internal.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Messages waiting to be gossiped, each sent a limited number of times
 * ({@code retransmitMult x ceil(log10(n + 1))}), fewest-sent first and newest first among equals,
 * which is what makes SWIM's dissemination take O(log n) rounds. A new message about a member
 * replaces the one still queued about it, so stale news never outlives fresh news.
 *
 * <p>Held as one bucket per transmit count, each a circular array in order of arrival (ids
 * ascending, kept beside the items so that finding a place never touches the items themselves),
 * read newest first. A message sent moves up one bucket. A sorted tree did the same with a rebalancing
 * per message sent, which made the queue the largest cost of a large cluster's join, when every
 * node queues news of every other.
 * Touched only on the protocol worker.
 */
public final class BroadcastQueue {
    /** Smallest message worth scanning for: stop looking when less room than this is left. */
    private static final int MIN_MESSAGE = 8;
    /** How many too-large items to skip before giving up on filling a packet. */
    private static final int MAX_SKIPS = 64;

    /** Index = times sent. */
    private final List<Bucket> buckets = new ArrayList<>();
    private Map<String, Item> byName = new HashMap<>();
    /** Most entries {@link #byName} held since it was last emptied (a map never shrinks its table). */
    private int byNameHighWater;
    /** Scratch list of {@link #take}, kept to spare an allocation per packet. */
    private final List<Item> sent = new ArrayList<>();
    private final int retransmitMult;
    private final IntSupplier clusterSize;
    private final int maxItems;
    private long nextId;
    private long dropped;
    private int size;

    /**
     * @param retransmitMult the retransmit multiplier
     * @param clusterSize    current number of known members (for the retransmit limit)
     * @param maxItems       bound on queued items; beyond it the most-sent are dropped
     */
    public BroadcastQueue(int retransmitMult, IntSupplier clusterSize, int maxItems) {
        this.retransmitMult = retransmitMult;
        this.clusterSize = clusterSize;
        this.maxItems = maxItems;
    }

    /**
     * Queues a message.
     *
     * @param name     the member the message is about (replaces a queued one); null for none
     * @param message  the encoded message, type byte first
     * @param finished run once the message has been sent its last time or was replaced; may be null
     */
    public void enqueue(String name, byte[] message, Runnable finished) {
        if (name != null) {
            Item old = byName.remove(name);
            if (old != null) {
                buckets.get(old.transmits).remove(old);
                size--;
                old.finish();
            }
        }
        Item item = new Item(name, message, nextId++, finished);
        bucket(0).insert(item);
        size++;
        if (name != null) {
            byName.put(name, item);
            byNameHighWater = Math.max(byNameHighWater, byName.size());
        }
        while (size > maxItems) {
            Item worst = pollLast();
            forget(worst);
            worst.finish();
            dropped++;
        }
    }

    /**
     * Takes the messages that fit, counting one transmission for each.
     *
     * @param overhead bytes each message costs beyond its own length (compound framing)
     * @param limit    bytes available
     * @return the messages to send, possibly none
     */
    public List<byte[]> take(int overhead, int limit) {
        if (size == 0) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>();
        take(overhead, limit, out);
        return out;
    }

    /**
     * Takes the messages that fit, counting one transmission for each.
     *
     * @param overhead bytes each message costs beyond its own length (compound framing)
     * @param limit    bytes available
     * @param out      receives the messages to send
     * @return the bytes they take, overhead included
     */
    public int take(int overhead, int limit, List<byte[]> out) {
        if (size == 0) {
            return 0;
        }
        int transmitLimit = retransmitLimit();
        List<Item> sent = this.sent;
        sent.clear();
        int used = 0;
        int skips = 0;
        scan:
        for (Bucket b : buckets) {
            // Newest first; removing entry i moves only the entries after it, already seen.
            for (int i = b.size() - 1; i >= 0; i--) {
                if (limit - used < overhead + MIN_MESSAGE || skips > MAX_SKIPS) {
                    break scan;
                }
                Item item = b.get(i);
                int cost = item.message.length + overhead;
                if (used + cost > limit) {
                    skips++;
                    continue;
                }
                used += cost;
                out.add(item.message);
                b.removeAt(i, false);
                size--;
                sent.add(item);
            }
        }
        // Only now, so that the scan above never meets an item it has just sent.
        for (int i = 0; i < sent.size(); i++) {
            Item item = sent.get(i);
            item.transmits++;
            if (item.transmits >= transmitLimit) {
                forget(item);
                item.finish();
            } else {
                bucket(item.transmits).insert(item);
                size++;
            }
        }
        sent.clear();
        return used;
    }

    /** @return how many times each message is sent for the current cluster size */
    public int retransmitLimit() {
        int n = Math.max(0, clusterSize.getAsInt());
        return retransmitMult * (int) Math.ceil(Math.log10(n + 1.0));
    }

    /** @return messages waiting */
    public int size() {
        return size;
    }

    /** @return messages dropped because the queue was full */
    public long dropped() {
        return dropped;
    }

    /** Empties the queue, running every completion callback. */
    public void clear() {
        List<Item> all = new ArrayList<>(size);
        for (Bucket b : buckets) {
            for (int i = b.size() - 1; i >= 0; i--) {
                all.add(b.get(i));
            }
        }
        buckets.clear();
        byName.clear();
        size = 0;
        all.forEach(Item::finish);
    }

    private Bucket bucket(int transmits) {
        while (buckets.size() <= transmits) {
            buckets.add(new Bucket());
        }
        return buckets.get(transmits);
    }

    /** Removes the most-sent, oldest message: the first to drop. */
    private Item pollLast() {
        for (int t = buckets.size() - 1; t >= 0; t--) {
            Bucket b = buckets.get(t);
            if (b.size() > 0) {
                Item worst = b.get(0);
                b.removeAt(0, true);
                size--;
                return worst;
            }
        }
        throw new IllegalStateException("no queued message");
    }

    private void forget(Item item) {
        if (item.name != null && byName.get(item.name) == item) {
            byName.remove(item.name);
            if (byName.isEmpty() && byNameHighWater > 64) {
                // After a burst (a large cluster joining) the table would stay large for good.
                byName = new HashMap<>();
                byNameHighWater = 0;
            }
        }
    }

    /**
     * The messages sent a given number of times, ids ascending (oldest first), in a circular
     * array so that both ends take insertions cheaply: new messages arrive at the newest end, and
     * messages sent on from the bucket below are mostly older than those already here.
     */
    private static final class Bucket {
        private Item[] items = new Item[8];
        private long[] ids = new long[8];
        private int head;
        private int size;

        int size() {
            return size;
        }

        Item get(int i) {
            return items[(head + i) & (items.length - 1)];
        }

        private long id(int i) {
            return ids[(head + i) & (ids.length - 1)];
        }

        private void set(int i, Item item) {
            int at = (head + i) & (items.length - 1);
            items[at] = item;
            ids[at] = item == null ? 0 : item.id;
        }

        void insert(Item item) {
            if (size == items.length) {
                grow();
            }
            // Where it goes: after every entry with a smaller id.
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (id(mid) < item.id) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo < size - lo) {
                // Shift the older part one place towards the front.
                head = (head - 1) & (items.length - 1);
                for (int i = 0; i < lo; i++) {
                    set(i, get(i + 1));
                }
            } else {
                for (int i = size; i > lo; i--) {
                    set(i, get(i - 1));
                }
            }
            set(lo, item);
            size++;
        }

        void remove(Item item) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long id = id(mid);
                if (id < item.id) {
                    lo = mid + 1;
                } else if (id > item.id) {
                    hi = mid - 1;
                } else {
                    removeAt(mid, mid < size - 1 - mid);
                    return;
                }
            }
        }

        /**
         * @param at        logical index
         * @param fromFront true to close the gap by moving the older entries (before it), false
         *                  to move the newer ones (after it): a scan from the newest end must
         *                  not have the entries it has yet to see moved
         */
        void removeAt(int at, boolean fromFront) {
            if (fromFront) {
                for (int i = at; i > 0; i--) {
                    set(i, get(i - 1));
                }
                set(0, null);
                head = (head + 1) & (items.length - 1);
            } else {
                for (int i = at; i < size - 1; i++) {
                    set(i, get(i + 1));
                }
                set(size - 1, null);
            }
            size--;
            if (size == 0 && items.length > 16) {
                // Emptied after a burst: give the memory back (only then, so sizes that hover
                // around a power of two do not resize again and again).
                resize(8);
            }
        }

        private void grow() {
            resize(items.length * 2);
        }

        /** Keeps logical indexes: a scan may go on across it. */
        private void resize(int capacity) {
            Item[] newItems = new Item[capacity];
            long[] newIds = new long[capacity];
            for (int i = 0; i < size; i++) {
                newItems[i] = get(i);
                newIds[i] = id(i);
            }
            items = newItems;
            ids = newIds;
            head = 0;
        }
    }

    private static final class Item {
        final String name;
        final byte[] message;
        final long id;
        Runnable finished;
        int transmits;

        Item(String name, byte[] message, long id, Runnable finished) {
            this.name = name;
            this.message = message;
            this.id = id;
            this.finished = finished;
        }

        void finish() {
            Runnable f = finished;
            finished = null;
            if (f != null) {
                f.run();
            }
        }
    }
}
