package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * What this node knows of one member. Mutable, and touched only on the protocol worker; the
 * outside world sees {@link Member} snapshots made by {@link #toMember()}.
 *
 * <p>Every node holds one record per member, so a cluster of n nodes in one JVM holds n^2 of
 * them: the record points to shared, interned values ({@link MemberIdentity}, and the
 * {@link Member} snapshot, which holds the state and incarnation and is one object for every node
 * that believes the same) and keeps of its own only when the state changed and the serf intent
 * time.
 */
public final class NodeRecord {
    MemberIdentity identity;
    long stateChange;
    /** Newest serf intent time witnessed about this member, -1 for none (see {@link SerfIntents}). */
    long intentTime = -1;
    /** Where {@link PublishedMembers} keeps this record's snapshot, -1 when not published. */
    int slot = -1;
    /** The belief about the member: state and incarnation, with the identity's name, address, tags. */
    private Member snapshot;

    NodeRecord(MemberIdentity identity, long incarnation, MemberState state, long stateChange) {
        this.identity = identity;
        this.stateChange = stateChange;
        this.snapshot = snapshot(identity, state, incarnation);
    }

    private static Member snapshot(MemberIdentity identity, MemberState state, long incarnation) {
        return MemberIdentity.share(new Member(identity.name(), identity.socketAddress(), identity.tags(), state, incarnation));
    }

    /**
     * Changes the belief about the member.
     *
     * @param state       its state
     * @param incarnation its incarnation (an unsigned 32-bit value)
     */
    void update(MemberState state, long incarnation) {
        Member m = snapshot;
        if (m.state() != state || m.incarnation() != incarnation) {
            snapshot = snapshot(identity, state, incarnation);
        }
    }

    /** @return the member's name */
    public String name() {
        return identity.name();
    }

    /** @return the member's IP bytes as on the wire (shared: do not modify) */
    public byte[] addr() {
        return identity.addr();
    }

    /** @return the member's port */
    public int port() {
        return identity.port();
    }

    /** @return the member's meta bytes (shared: do not modify) */
    public byte[] meta() {
        return identity.meta();
    }

    /** @return the member's protocol versions (shared: do not modify) */
    public byte[] vsn() {
        return identity.vsn();
    }

    /** @return the member's state */
    public MemberState state() {
        return snapshot.state();
    }

    /** @return the member's incarnation */
    public long incarnation() {
        return snapshot.incarnation();
    }

    /** @return the member's highest protocol version, 0 when unknown */
    public int protocolMax() {
        byte[] vsn = identity.vsn();
        return vsn.length >= 2 ? vsn[1] & 0xFF : 0;
    }

    /** @return whether the member is dead or left */
    public boolean deadOrLeft() {
        MemberState state = snapshot.state();
        return state == MemberState.DEAD || state == MemberState.LEFT;
    }

    /** @return the address to send to */
    public InetSocketAddress socketAddress() {
        return identity.socketAddress();
    }

    /** The identity changed: the snapshot follows. */
    void changed() {
        snapshot = snapshot(identity, snapshot.state(), snapshot.incarnation());
    }

    /** @return an immutable snapshot (shared with every record that holds the same) */
    public Member toMember() {
        return snapshot;
    }

    boolean sameAddress(byte[] otherAddr, int otherPort) {
        return identity.port() == otherPort && Arrays.equals(normalize(identity.addr()), normalize(otherAddr));
    }

    /** IPv4-mapped IPv6 addresses compare equal to their IPv4 form. */
    static byte[] normalize(byte[] ip) {
        if (ip != null && ip.length == 16) {
            boolean mapped = ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = ip[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(ip, 12, 16);
            }
        }
        return ip;
    }
}
