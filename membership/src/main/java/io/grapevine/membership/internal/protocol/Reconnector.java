package io.grapevine.membership.internal.protocol;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grapevine.membership.MemberState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals partitions the way serf does: members that failed (not those that left) are remembered
 * for a while, and every interval one of them is sent a push/pull. If it is in fact alive on the
 * other side of a healed partition, the exchange makes it refute and both sides converge. When
 * this node sees no live peer at all, it also retries its seeds.
 * Runs on the protocol worker.
 */
public final class Reconnector {
    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);
    private static final int MAX_REMEMBERED = 100_000;

    private final Cache<String, InetSocketAddress> failed;
    private final MemberTable table;
    private final PushPullSync pushPull;
    private final SeedJoiner seeds;
    private final RandomGenerator random;

    /**
     * @param table    members
     * @param pushPull state exchange
     * @param seeds    seed joiner, for when every peer is gone
     * @param clock    time (also drives expiry, so virtual time works)
     * @param random   randomness
     * @param remember how long a failed member is remembered
     */
    public Reconnector(MemberTable table, PushPullSync pushPull, SeedJoiner seeds, ProtocolClock clock,
                       RandomGenerator random, Duration remember) {
        this.table = table;
        this.pushPull = pushPull;
        this.seeds = seeds;
        this.random = random;
        this.failed = Caffeine.newBuilder()
                .expireAfterWrite(remember)
                .maximumSize(MAX_REMEMBERED)
                .ticker(() -> clock.now() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /** @param record a member that was declared failed */
    public void failed(NodeRecord record) {
        failed.put(record.name(), record.socketAddress());
    }

    /** @param name a member that is alive again, or left */
    public void forget(String name) {
        failed.invalidate(name);
    }

    /** One reconnect round. */
    public void tick() {
        List<Map.Entry<String, InetSocketAddress>> candidates = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> e : failed.asMap().entrySet()) {
            NodeRecord r = table.get(e.getKey());
            if (r == null || r.state() == MemberState.DEAD) {
                candidates.add(e);
            }
        }
        if (!candidates.isEmpty()) {
            candidates.sort(Map.Entry.comparingByKey());
            Map.Entry<String, InetSocketAddress> pick = candidates.get(random.nextInt(candidates.size()));
            pushPull.exchange(pick.getValue(), false).subscribe(v -> { },
                    e -> log.debug("reconnect to {} failed: {}", pick.getKey(), e.getMessage()));
        }
        if (table.liveCount() <= 1 && !seeds.seeds().isEmpty()) {
            seeds.joinOnce().subscribe();
        }
    }
}
