package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MembershipEvent;
import java.net.InetSocketAddress;

/** What the member table reports to the node as it changes. Called on the protocol worker. */
public interface MembershipListener {
    /**
     * @param type   what happened
     * @param record the member after the change
     */
    void onEvent(MembershipEvent.Type type, NodeRecord record);

    /**
     * A member's record changed in any way (state, incarnation, meta, address).
     *
     * @param record the member after the change
     */
    void onChanged(NodeRecord record);

    /**
     * Someone claims a known member's name from another address.
     *
     * @param name     the contested name
     * @param existing the address we know
     * @param claimed  the other address
     */
    void onConflict(String name, InetSocketAddress existing, InetSocketAddress claimed);
}
