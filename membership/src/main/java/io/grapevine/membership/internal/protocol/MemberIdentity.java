package io.grapevine.membership.internal.protocol;

import com.github.benmanes.caffeine.cache.Interner;
import io.grapevine.membership.Member;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import io.grapevine.membership.internal.codec.SerfTags;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;

/**
 * The wire identity of one member as its alive messages describe it: name, address, port, meta
 * and protocol versions. Immutable and interned JVM-wide, so the many nodes of one JVM (a
 * simulated cluster, or several members sharing a process) that know the same member share one
 * copy of its name, bytes, socket address and decoded tags instead of one each: with every node
 * knowing every member, those copies were most of a large cluster's memory.
 *
 * <p>The byte arrays are shared: nobody may write to them.
 */
public final class MemberIdentity {
    private static final byte[] NONE = new byte[0];
    private static final Interner<MemberIdentity> IDENTITIES = Interner.newWeakInterner();
    private static final Interner<Member> SNAPSHOTS = Interner.newWeakInterner();

    private final String name;
    private final byte[] addr;
    private final int port;
    private final byte[] meta;
    private final byte[] vsn;
    private final int hash;
    private volatile InetSocketAddress socketAddress;
    private volatile Map<String, String> tags;
    private volatile EncodedAlive alive;

    /** The newest alive message encoded from this identity, shared by every node that gossips it. */
    private record EncodedAlive(long incarnation, byte[] bytes) {
    }

    private MemberIdentity(String name, byte[] addr, int port, byte[] meta, byte[] vsn) {
        this.name = name;
        this.addr = addr;
        this.port = port;
        this.meta = meta == null ? NONE : meta;
        this.vsn = vsn == null ? NONE : vsn;
        int h = name.hashCode();
        h = 31 * h + Arrays.hashCode(addr);
        h = 31 * h + port;
        h = 31 * h + Arrays.hashCode(this.meta);
        this.hash = 31 * h + Arrays.hashCode(this.vsn);
    }

    /**
     * @param name the member's name
     * @param addr its IP as on the wire (4 or 16 bytes; may be null or empty)
     * @param port its port
     * @param meta its meta (null reads as empty)
     * @param vsn  its protocol versions (null reads as empty)
     * @return the one shared identity with these values; the arrays must not change afterwards
     */
    public static MemberIdentity of(String name, byte[] addr, int port, byte[] meta, byte[] vsn) {
        return IDENTITIES.intern(new MemberIdentity(name, addr, port, meta, vsn));
    }

    /**
     * @param meta new meta (null reads as empty)
     * @param vsn  new versions (null reads as empty)
     * @return this identity with other meta and versions; this one when they are equal
     */
    MemberIdentity withMetaAndVsn(byte[] meta, byte[] vsn) {
        byte[] m = meta == null ? NONE : meta;
        byte[] v = vsn == null ? NONE : vsn;
        if (Arrays.equals(m, this.meta) && Arrays.equals(v, this.vsn)) {
            return this;
        }
        return of(name, addr, port, m, v);
    }

    /**
     * @param member a snapshot of some member
     * @return the one shared snapshot equal to it
     */
    static Member share(Member member) {
        return SNAPSHOTS.intern(member);
    }

    /** @return the member's name */
    public String name() {
        return name;
    }

    /** @return the IP bytes as on the wire (shared: do not modify) */
    public byte[] addr() {
        return addr;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the meta bytes, never null (shared: do not modify) */
    public byte[] meta() {
        return meta;
    }

    /** @return the protocol versions, never null (shared: do not modify) */
    public byte[] vsn() {
        return vsn;
    }

    /** @return the address to send to */
    public InetSocketAddress socketAddress() {
        InetSocketAddress a = socketAddress;
        if (a == null) {
            a = toSocketAddress(addr, port);
            socketAddress = a;
        }
        return a;
    }

    /** @return the tags the meta encodes; none when it is not a well-formed tag map */
    public Map<String, String> tags() {
        Map<String, String> t = tags;
        if (t == null) {
            try {
                t = SerfTags.decode(meta);
            } catch (IllegalArgumentException e) {
                t = Map.of();
            }
            tags = t;
        }
        return t;
    }

    /**
     * @param incarnation an incarnation
     * @return the alive message of this identity at that incarnation, encoded (shared: do not
     *         modify); the same bytes {@link WireCodec#encode} gives for it
     */
    byte[] encodedAlive(long incarnation) {
        EncodedAlive e = alive;
        if (e == null || e.incarnation() != incarnation) {
            e = new EncodedAlive(incarnation, WireCodec.encode(new Message.Alive(incarnation, name, addr, port, meta, vsn)));
            alive = e;
        }
        return e.bytes();
    }

    /** An address to send to from wire bytes; no IP reads as 0.0.0.0, as Go's zero value. */
    static InetSocketAddress toSocketAddress(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip == null || ip.length == 0 ? new byte[4] : ip), port);
        } catch (UnknownHostException e) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberIdentity other && hash == other.hash && port == other.port
                && name.equals(other.name) && Arrays.equals(addr, other.addr)
                && Arrays.equals(meta, other.meta) && Arrays.equals(vsn, other.vsn);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return name + "@" + socketAddress();
    }
}
