package io.grapevine.membership.internal;

import io.grapevine.membership.MembershipConfig;
import reactor.core.publisher.Mono;

/** The node; being written. */
public final class MembershipNode {
    private MembershipNode() {
    }

    /** @param config config
     *  @return node */
    public static Mono<MembershipNode> start(MembershipConfig config) {
        return Mono.error(new UnsupportedOperationException("in progress"));
    }
}
