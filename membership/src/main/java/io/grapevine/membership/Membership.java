package io.grapevine.membership;

import io.grapevine.membership.internal.MembershipNode;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A running member of a SWIM/Lifeguard cluster that speaks memberlist's wire protocol.
 *
 * <pre>{@code
 * Membership node = Membership.start(config).block();
 * node.events().subscribe(e -> log.info("{} {}", e.type(), e.member().name()));
 * }</pre>
 *
 * <p>Every method is non-blocking and thread-safe. The protocol itself runs on the configured
 * scheduler; slow subscribers never stall it (views conflate to the latest, events and messages
 * are buffered within a bound and overflows are counted).
 */
public interface Membership {

    /**
     * Binds the sockets and joins through the seeds.
     *
     * @param config the configuration
     * @return emits the node once it is bound and has joined a seed, or once every seed has been
     *         tried once without success (it then keeps retrying in the background); errors when
     *         the address cannot be bound
     */
    static Mono<Membership> start(MembershipConfig config) {
        return MembershipNode.start(config).map(n -> (Membership) n);
    }

    /** @return this node as the others see it */
    Member local();

    /** @return the current members, self included, in every state, sorted by name */
    List<Member> members();

    /** @return the current view */
    MembershipView view();

    /** @return the current view on subscribe, then every changed view (latest only for slow subscribers) */
    Flux<MembershipView> views();

    /** @return the membership changes that happen after subscribing */
    Flux<MembershipEvent> events();

    /**
     * Replaces this node's tags and gossips them with a new incarnation. Gossip reaches most
     * members within a few gossip intervals; a member it happens to miss gets the new tags at the
     * next push/pull sync with any member that has them (see {@link MembershipConfig#pushPullInterval()}).
     *
     * @param tags the new tags (at most 512 bytes encoded)
     * @return completes once the change is queued for gossip
     */
    Mono<Void> setTags(Map<String, String> tags);

    /**
     * Sends application bytes to every member. Payloads up to 700 bytes are gossiped
     * epidemically (every member that receives one passes it on once; duplicates are dropped), so
     * each member receives it once, in O(log n) gossip rounds, as long as it stays connected.
     * Larger payloads go to each live member directly over TCP. Delivery is best effort: a
     * member that is down or partitioned at the time misses it.
     *
     * @param payload the bytes, at most {@link MembershipConfig#maxUserMessageBytes()}
     * @return completes once queued (small) or sent to every live member (large)
     */
    Mono<Void> broadcast(byte[] payload);

    /** @return user messages received from other members, after subscribing */
    Flux<byte[]> messages();

    /**
     * Leaves gracefully: the others see this node {@code LEFT}. The node stays reachable until
     * {@link #shutdown()}.
     *
     * @return completes when the leave message has gone out (or the leave timeout passed)
     */
    Mono<Void> leave();

    /**
     * Stops without a word: the others will find this node {@code FAILED}. Releases sockets,
     * timers and subscribers.
     *
     * @return completes when everything is released
     */
    Mono<Void> shutdown();

    /** @return protocol counters of this node */
    MembershipStats stats();
}
