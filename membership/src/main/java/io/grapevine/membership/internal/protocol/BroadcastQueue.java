package io.grapevine.membership.internal.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * Messages waiting to be gossiped, each sent a limited number of times
 * ({@code retransmitMult x ceil(log10(n + 1))}), fewest-sent first and newest first among equals,
 * which is what makes SWIM's dissemination take O(log n) rounds. A new message about a member
 * replaces the one still queued about it, so stale news never outlives fresh news.
 * Touched only on the protocol worker.
 */
public final class BroadcastQueue {
    /** Smallest message worth scanning for: stop looking when less room than this is left. */
    private static final int MIN_MESSAGE = 8;
    /** How many too-large items to skip before giving up on filling a packet. */
    private static final int MAX_SKIPS = 64;

    private static final Comparator<Item> ORDER = Comparator.<Item>comparingInt(i -> i.transmits)
            .thenComparing(Comparator.comparingLong((Item i) -> i.id).reversed());

    private final TreeSet<Item> items = new TreeSet<>(ORDER);
    private final Map<String, Item> byName = new HashMap<>();
    private final int retransmitMult;
    private final IntSupplier clusterSize;
    private final int maxItems;
    private long nextId;
    private long dropped;

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
                items.remove(old);
                old.finish();
            }
        }
        Item item = new Item(name, message, nextId++, finished);
        items.add(item);
        if (name != null) {
            byName.put(name, item);
        }
        while (items.size() > maxItems) {
            Item worst = items.pollLast();
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
        if (items.isEmpty()) {
            return List.of();
        }
        int transmitLimit = retransmitLimit();
        List<byte[]> out = new ArrayList<>();
        List<Item> sent = new ArrayList<>();
        int used = 0;
        int skips = 0;
        for (Iterator<Item> it = items.iterator(); it.hasNext(); ) {
            if (limit - used < overhead + MIN_MESSAGE || skips > MAX_SKIPS) {
                break;
            }
            Item item = it.next();
            int cost = item.message.length + overhead;
            if (used + cost > limit) {
                skips++;
                continue;
            }
            used += cost;
            out.add(item.message);
            it.remove();
            sent.add(item);
        }
        for (Item item : sent) {
            item.transmits++;
            if (item.transmits >= transmitLimit) {
                forget(item);
                item.finish();
            } else {
                items.add(item);
            }
        }
        return out;
    }

    /** @return how many times each message is sent for the current cluster size */
    public int retransmitLimit() {
        int n = Math.max(0, clusterSize.getAsInt());
        return retransmitMult * (int) Math.ceil(Math.log10(n + 1.0));
    }

    /** @return messages waiting */
    public int size() {
        return items.size();
    }

    /** @return messages dropped because the queue was full */
    public long dropped() {
        return dropped;
    }

    /** Empties the queue, running every completion callback. */
    public void clear() {
        List<Item> all = new ArrayList<>(items);
        items.clear();
        byName.clear();
        all.forEach(Item::finish);
    }

    private void forget(Item item) {
        if (item.name != null && byName.get(item.name) == item) {
            byName.remove(item.name);
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
