package io.grapevine.ring.internal;

import io.grapevine.membership.Member;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list of exactly three replicas, the common replication factor, in one small
 * object (no backing array): a large ring holds one per partition, so this halves its memory.
 */
final class ReplicaTriple extends AbstractList<Member> implements RandomAccess {
    private final Member first;
    private final Member second;
    private final Member third;

    ReplicaTriple(Member first, Member second, Member third) {
        this.first = first;
        this.second = second;
        this.third = third;
    }

    @Override
    public Member get(int index) {
        return switch (index) {
            case 0 -> first;
            case 1 -> second;
            case 2 -> third;
            default -> throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length 3");
        };
    }

    @Override
    public int size() {
        return 3;
    }
}
