package io.grapevine.membership.internal.protocol;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Joins through the seeds: a push/pull with every seed at once; when none answers, retries
 * with exponential backoff until one does, so a node started before its seeds still finds
 * the cluster.
 */
public final class SeedJoiner {
    private static final Logger log = LoggerFactory.getLogger(SeedJoiner.class);

    private final List<InetSocketAddress> seeds;
    private final PushPullSync pushPull;
    private final ProtocolClock clock;
    private final long initialMillis;
    private final long maxMillis;
    private volatile Disposable retry;
    private volatile boolean stopped;

    /**
     * @param seeds    addresses to join through (our own address already removed)
     * @param pushPull state exchange
     * @param clock    timers
     * @param initial  first retry delay
     * @param max      largest retry delay
     */
    public SeedJoiner(List<InetSocketAddress> seeds, PushPullSync pushPull, ProtocolClock clock,
                      Duration initial, Duration max) {
        this.seeds = List.copyOf(seeds);
        this.pushPull = pushPull;
        this.clock = clock;
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /**
     * Tries every seed once.
     *
     * @return how many seeds answered
     */
    public Mono<Integer> joinOnce() {
        if (seeds.isEmpty()) {
            return Mono.just(0);
        }
        return Flux.fromIterable(seeds)
                .flatMap(seed -> pushPull.exchange(seed, true).thenReturn(1)
                        .onErrorResume(e -> {
                            log.info("join through {} failed: {}", seed, e.getMessage());
                            return Mono.just(0);
                        }))
                .reduce(0, Integer::sum);
    }

    /**
     * Joins; if no seed answers, keeps retrying in the background.
     *
     * @return completes after the first round, whatever its outcome
     */
    public Mono<Void> join() {
        return joinOnce().doOnNext(joined -> {
            if (joined == 0 && !seeds.isEmpty()) {
                log.warn("no seed of {} answered; retrying in the background", seeds);
                scheduleRetry(initialMillis);
            }
        }).then();
    }

    private void scheduleRetry(long delay) {
        if (stopped) {
            return;
        }
        retry = clock.schedule(() -> joinOnce().subscribe(joined -> {
            if (joined == 0) {
                scheduleRetry(Math.min(maxMillis, delay * 2));
            } else {
                log.info("joined the cluster through {} seed(s)", joined);
            }
        }), delay);
    }

    /** @return the seeds */
    public List<InetSocketAddress> seeds() {
        return seeds;
    }

    /** Stops retrying. */
    public void stop() {
        stopped = true;
        Disposable r = retry;
        if (r != null) {
            r.dispose();
        }
    }
}
