package io.grapevine.ring;

import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import io.grapevine.ring.internal.GraceTracker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A token ring that follows membership: it subscribes to the views at once and keeps the latest
 * {@link RingSnapshot}, emitting a new one only when ownership actually changes (or an owner's
 * address does), so suspicion flaps, incarnation bumps and tag changes that do not affect
 * placement cost subscribers nothing.
 *
 * <pre>{@code
 * TokenRing ring = TokenRing.follow(node.views(), config);
 * ring.snapshots().subscribe(s -> log.info("ring {}", s.digest()));
 * List<Member> owners = ring.current().replicasFor(key);   // route a request
 * }</pre>
 *
 * <p>Owners are the ALIVE and SUSPECT members, plus DEAD ones within
 * {@link RingConfig#failedGracePeriod()}; LEFT members move at once. Snapshots are computed on the
 * given scheduler (by default {@link Schedulers#parallel()}), incrementally from the previous one;
 * views that arrive while a snapshot is being computed are conflated to the latest. Grace
 * periods run on the same scheduler's clock, so a {@code VirtualTimeScheduler} drives them in
 * tests.
 */
public final class TokenRing implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(TokenRing.class);

    private final RingConfig config;
    private final Scheduler scheduler;
    private final GraceTracker grace;
    private final Sinks.Many<Long> ticks = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Many<RingSnapshot> out = Sinks.many().replay().latest();
    private final Disposable subscription;
    private volatile RingSnapshot current;
    private MembershipView lastView;
    private RingSnapshot base;
    private final Disposable.Swap timer = Disposables.swap();
    private long timerAt = Long.MAX_VALUE;
    private int untaggedWarned;

    private TokenRing(Flux<MembershipView> views, RingConfig config, Scheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        this.grace = new GraceTracker(saturatedMillis(config.failedGracePeriod()));
        Flux<Object> inputs = Flux.merge(1,
            views.onBackpressureLatest().doOnComplete(ticks::tryEmitComplete),
            ticks.asFlux());
        this.subscription = inputs
            .publishOn(scheduler, 1)
            .<RingSnapshot>handle((input, sink) -> {
                RingSnapshot next = onInput(input);
                if (next != null) {
                    sink.next(next);
                }
            })
            .doFinally(s -> cancelTimer())
            .subscribe(this::publish, out::tryEmitError, out::tryEmitComplete);
    }

    /**
     * Follows the views on {@link Schedulers#parallel()}.
     *
     * @param views  membership views, e.g. {@code node.views()}
     * @param config the ring configuration
     * @return the ring, already subscribed to the views
     */
    public static TokenRing follow(Flux<MembershipView> views, RingConfig config) {
        return follow(views, config, Schedulers.parallel());
    }

    /**
     * Follows the views, computing snapshots and timing grace periods on {@code scheduler}.
     *
     * @param views     membership views, e.g. {@code node.views()}
     * @param config    the ring configuration
     * @param scheduler where snapshots are computed and whose clock times grace periods
     * @return the ring, already subscribed to the views
     */
    public static TokenRing follow(Flux<MembershipView> views, RingConfig config, Scheduler scheduler) {
        Objects.requireNonNull(views, "views");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(scheduler, "scheduler");
        return new TokenRing(views, config, scheduler);
    }

    /**
     * @return the latest snapshot on subscribe (if any), then each snapshot whose ownership
     *         differs from the one before; completes when the views complete or the ring is
     *         disposed, errors when the views error
     */
    public Flux<RingSnapshot> snapshots() {
        return out.asFlux();
    }

    /** @return the latest snapshot, or null before the first view arrived */
    public RingSnapshot current() {
        return current;
    }

    /** @return the configuration */
    public RingConfig config() {
        return config;
    }

    /** Stops following the views and completes {@link #snapshots()}. */
    @Override
    public void dispose() {
        subscription.dispose();
        timer.dispose();
        out.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    @Override
    public boolean isDisposed() {
        return subscription.isDisposed();
    }

    /** Milliseconds, saturated far below overflow so that "now + grace" stays representable. */
    private static long saturatedMillis(Duration d) {
        long cap = Long.MAX_VALUE / 4;
        return d.compareTo(Duration.ofMillis(cap)) >= 0 ? cap : d.toMillis();
    }

    /** Runs serially on the scheduler: a view or a grace-period tick. */
    private RingSnapshot onInput(Object input) {
        if (input instanceof MembershipView view) {
            lastView = view;
        } else {
            timerAt = Long.MAX_VALUE; // the timer fired: arm the next one even for the same instant
        }
        if (lastView == null) {
            return null;
        }
        long now = scheduler.now(TimeUnit.MILLISECONDS);
        List<Member> owners = grace.owners(lastView, now);
        RingSnapshot next = base == null ? RingSnapshot.ofOwners(owners, config) : base.updateOwners(owners);
        base = next;
        warnUntagged(next);
        armTimer(grace.nextExpiry(), now);
        RingSnapshot last = current;
        return last == null || !next.sameRouting(last) ? next : null;
    }

    private void publish(RingSnapshot snapshot) {
        current = snapshot;
        out.emitNext(snapshot, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    private void armTimer(long at, long now) {
        if (at == timerAt) {
            return;
        }
        timerAt = at;
        timer.update(at == Long.MAX_VALUE ? Disposables.disposed() : scheduler.schedule(
            () -> ticks.emitNext(at, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))),
            Math.max(0, at - now), TimeUnit.MILLISECONDS));
    }

    private void cancelTimer() {
        timer.dispose();
    }

    private void warnUntagged(RingSnapshot snapshot) {
        // A ring where no owner carries the tag is simply zone-less; only a mix is worth a warning.
        int untagged = snapshot.owners().untaggedCount();
        if (untagged == snapshot.owners().size()) {
            untagged = 0;
        }
        if (untagged != untaggedWarned) {
            untaggedWarned = untagged;
            if (untagged > 0) {
                log.warn("{} ring owner(s) lack the zone tag '{}'; they are placed as one zone of their own",
                    untagged, config.zoneTag());
            }
        }
    }
}
