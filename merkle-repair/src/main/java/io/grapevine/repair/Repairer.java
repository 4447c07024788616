package io.grapevine.repair;

import io.grapevine.ring.TokenRange;
import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;

/** Runs one repair session; {@link RepairService} is the real one, tests may pass their own. */
@FunctionalInterface
public interface Repairer {
    /**
     * @param range    the token range
     * @param peer     the peer's repair address
     * @param peerName the peer's member name
     * @param reason   why the session runs
     * @return the report, or an error when the session failed
     */
    Mono<RepairReport> repair(TokenRange range, InetSocketAddress peer, String peerName, RepairReport.Reason reason);
}
