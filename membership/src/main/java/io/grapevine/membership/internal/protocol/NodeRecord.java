package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.membership.internal.codec.SerfTags;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;

/**
 * What this node knows of one member, in wire form. Mutable, and touched only on the protocol
 * worker; the outside world sees {@link Member} snapshots made by {@link #toMember()}.
 */
public final class NodeRecord {
    final String name;
    byte[] addr;
    int port;
    byte[] meta;
    byte[] vsn;
    long incarnation;
    MemberState state;
    long stateChange;
    private Member snapshot;

    NodeRecord(String name, byte[] addr, int port, byte[] meta, byte[] vsn, long incarnation,
               MemberState state, long stateChange) {
        this.name = name;
        this.addr = addr;
        this.port = port;
        this.meta = meta == null ? new byte[0] : meta;
        this.vsn = vsn == null ? new byte[0] : vsn;
        this.incarnation = incarnation;
        this.state = state;
        this.stateChange = stateChange;
    }

    /** @return the member's name */
    public String name() {
        return name;
    }

    /** @return the member's state */
    public MemberState state() {
        return state;
    }

    /** @return the member's incarnation */
    public long incarnation() {
        return incarnation;
    }

    /** @return the member's highest protocol version, 0 when unknown */
    public int protocolMax() {
        return vsn.length >= 2 ? vsn[1] & 0xFF : 0;
    }

    /** @return whether the member is dead or left */
    public boolean deadOrLeft() {
        return state == MemberState.DEAD || state == MemberState.LEFT;
    }

    /** @return the address to send to */
    public InetSocketAddress socketAddress() {
        return toMember().address();
    }

    void changed() {
        snapshot = null;
    }

    /** @return an immutable snapshot */
    public Member toMember() {
        Member m = snapshot;
        if (m == null) {
            m = new Member(name, toSocketAddress(addr, port), tags(meta), state, incarnation);
            snapshot = m;
        }
        return m;
    }

    boolean sameAddress(byte[] otherAddr, int otherPort) {
        return port == otherPort && Arrays.equals(normalize(addr), normalize(otherAddr));
    }

    private static Map<String, String> tags(byte[] meta) {
        try {
            return SerfTags.decode(meta);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
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

    static InetSocketAddress toSocketAddress(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip == null || ip.length == 0 ? new byte[4] : ip), port);
        } catch (UnknownHostException e) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
    }
}
