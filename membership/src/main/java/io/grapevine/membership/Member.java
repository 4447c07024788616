package io.grapevine.membership;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * One member of the cluster as seen by this node: an immutable value.
 *
 * @param name        the node name, unique in the cluster
 * @param address     the address other members dial (UDP and TCP share the port)
 * @param tags        the member's tags (serf-format meta), never null
 * @param state       the state this node believes the member is in
 * @param incarnation the member's incarnation number (an unsigned 32-bit value)
 */
public record Member(String name, InetSocketAddress address, Map<String, String> tags,
                     MemberState state, long incarnation) {

    /** Validates and copies the tags so the record stays immutable. */
    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        if (incarnation < 0 || incarnation > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("incarnation must be an unsigned 32-bit value: " + incarnation);
        }
    }

    /**
     * @param tag the tag name
     * @return the tag's value, or null when the member has no such tag
     */
    public String tag(String tag) {
        return tags.get(tag);
    }

    /**
     * @param newState the state of the copy
     * @return a copy of this member in another state
     */
    public Member withState(MemberState newState) {
        return new Member(name, address, tags, newState, incarnation);
    }
}
