package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MemberState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Every member this node knows, self included, by name and by address, plus the shuffled round
 * robin order in which members are probed. Newcomers go to a random place in that order so the
 * worst-case detection time stays bounded. Dead and left members are reaped here when the order
 * wraps around and they have been gossiped about for long enough.
 * Touched only on the protocol worker.
 */
public final class MemberTable {
    private final RecordIndex<String> byName = new RecordIndex<>(NodeRecord::name);
    private final RecordIndex<InetSocketAddress> byAddress = new RecordIndex<>(NodeRecord::socketAddress);
    private final ArrayList<NodeRecord> order = new ArrayList<>();
    private final RandomGenerator random;
    private int probeIndex;

    /** @param random the protocol's randomness */
    public MemberTable(RandomGenerator random) {
        this.random = random;
    }

    /** @param name a member name
     *  @return the record, or null */
    public NodeRecord get(String name) {
        return byName.get(name);
    }

    /** @param address a member address
     *  @return the member at that address, or null */
    public NodeRecord at(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /** @return the number of members known, self included */
    public int size() {
        return order.size();
    }

    /** @return every record, in probe order */
    public Collection<NodeRecord> all() {
        return order;
    }

    void add(NodeRecord record) {
        byName.put(record);
        byAddress.put(record);
        int n = order.size();
        order.add(record);
        int offset = n == 0 ? 0 : random.nextInt(n + 1);
        order.set(n, order.get(offset));
        order.set(offset, record);
    }

    /**
     * Gives a record a new identity, re-indexing it when its address changes.
     *
     * @param record   the record
     * @param identity its new identity (same name)
     */
    void update(NodeRecord record, MemberIdentity identity) {
        if (record.identity == identity) {
            return;
        }
        boolean moved = !record.socketAddress().equals(identity.socketAddress());
        if (moved) {
            byAddress.remove(record);
        }
        record.identity = identity;
        record.changed();
        if (moved) {
            byAddress.put(record);
        }
    }

    /**
     * Picks the next member to probe: round robin, skipping self, dead and left.
     *
     * @param self   this node's name
     * @param now    scheduler time
     * @param reapAfter how long a dead or left member is kept
     * @param reaped receives members removed when the order wrapped
     * @return the member to probe, or null when there is none
     */
    public NodeRecord nextProbeTarget(String self, long now, long reapAfter, List<NodeRecord> reaped) {
        int checked = 0;
        while (checked <= order.size()) {
            if (probeIndex >= order.size()) {
                resetOrder(now, reapAfter, reaped);
                probeIndex = 0;
                checked++;
                continue;
            }
            NodeRecord r = order.get(probeIndex++);
            if (r.name().equals(self) || r.deadOrLeft()) {
                checked++;
                continue;
            }
            return r;
        }
        return null;
    }

    private void resetOrder(long now, long reapAfter, List<NodeRecord> reaped) {
        List<NodeRecord> keep = new ArrayList<>(order.size());
        for (NodeRecord r : order) {
            if (r.deadOrLeft() && now - r.stateChange > reapAfter) {
                byName.remove(r);
                byAddress.remove(r);
                reaped.add(r);
            } else {
                keep.add(r);
            }
        }
        order.clear();
        order.addAll(keep);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            NodeRecord t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
    }

    /**
     * Up to {@code k} distinct random members for which {@code exclude} is false.
     *
     * @param k       how many
     * @param exclude which members not to pick
     * @return the members picked
     */
    public List<NodeRecord> randomMembers(int k, Predicate<NodeRecord> exclude) {
        List<NodeRecord> picked = new ArrayList<>(k);
        int n = order.size();
        if (n == 0 || k <= 0) {
            return picked;
        }
        // Random probing with a bounded number of tries, as memberlist does: cheap for large
        // tables, and a small table is scanned fully below.
        for (int i = 0; i < 3 * n && picked.size() < k; i++) {
            NodeRecord r = order.get(random.nextInt(n));
            if (!exclude.test(r) && !picked.contains(r)) {
                picked.add(r);
            }
            if (i >= 3 * k + 16 && n > 64) {
                break;
            }
        }
        if (picked.size() < k && n <= 64) {
            for (NodeRecord r : order) {
                if (picked.size() >= k) {
                    break;
                }
                if (!exclude.test(r) && !picked.contains(r)) {
                    picked.add(r);
                }
            }
        }
        return picked;
    }

    /** @return how many members are alive or suspect, self included */
    public int liveCount() {
        int c = 0;
        for (NodeRecord r : order) {
            if (r.state() == MemberState.ALIVE || r.state() == MemberState.SUSPECT) {
                c++;
            }
        }
        return c;
    }
}
