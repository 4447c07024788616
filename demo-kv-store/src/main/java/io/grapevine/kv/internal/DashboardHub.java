package io.grapevine.kv.internal;

import io.grapevine.kv.RingChange;
import io.grapevine.kv.internal.DashboardEvents.ChangeJson;
import io.grapevine.kv.internal.DashboardEvents.Event;
import io.grapevine.kv.internal.DashboardEvents.HistoryJson;
import io.grapevine.kv.internal.DashboardEvents.RepairJson;
import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import io.grapevine.repair.RepairReport;
import io.grapevine.ring.RingSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The dashboard's side of one node, shared by every open stream: it follows the node's membership
 * views, ring changes and repair reports once, turns each change into an event body once, and
 * multicasts it; it keeps what a snapshot needs besides the node's current state (the latest ring
 * change that moved ranges, the latest repair sessions); and it gathers key counts of every node
 * while at least one stream is open.
 *
 * <p>Member events come from diffing consecutive views rather than from the membership event
 * stream: views conflate for a slow reader but never lose the final state, so the page cannot be
 * left believing a member is alive after an event was dropped.
 */
public final class DashboardHub {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardHub.class);
    /** Repair sessions a snapshot lists. */
    static final int RECENT_REPAIRS = 20;
    /** Member and ring changes a snapshot lists. */
    static final int RECENT_CHANGES = 20;

    private final DashboardSource source;
    private final ClusterKeyCounts counts;
    private final Flux<Event> stats;
    private final Sinks.Many<Event> hub = Sinks.many().multicast().directBestEffort();
    private final AtomicReference<ChangeJson> lastChange = new AtomicReference<>();
    private final AtomicReference<List<RepairJson>> recent = new AtomicReference<>(List.of());
    private final AtomicReference<List<HistoryJson>> history = new AtomicReference<>(List.of());
    private final Disposable.Composite subscriptions = reactor.core.Disposables.composite();
    private final RateLimitedLog errors = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    /** Members of the previous view; only the (serialized) view subscriber touches it. */
    private Map<String, Member> members;

    /**
     * @param source   the node
     * @param settings refresh interval and peer bounds
     * @param timer    the polling timer
     */
    public DashboardHub(DashboardSource source, DashboardSettings settings, Scheduler timer) {
        this.source = source;
        this.counts = new ClusterKeyCounts(source.name(), source::view,
            () -> {
                var s = source.stats();
                return new ClusterKeyCounts.Counted(s.keys(), s.tombstones());
            },
            settings.peerTimeout(), settings.peerConcurrency());
        this.stats = counts.poll(settings.refresh(), timer)
            .map(c -> DashboardEvents.stats(c, source.stats()))
            .onErrorResume(e -> {
                errors.warn("dashboard key counts failed: {}", e.toString());
                return Flux.empty();
            })
            .share();
    }

    /** Starts following the node. */
    public void start() {
        Flux<Event> memberEvents = source.views().handle((view, sink) -> {
            Event e = diff(view);
            if (e != null) {
                sink.next(e);
            }
        });
        Flux<Event> ringEvents = source.ringChanges().skip(1).map(this::ringChanged);
        Flux<Event> repairEvents = source.repairReports().map(this::repaired);
        subscriptions.add(Flux.merge(memberEvents, ringEvents, repairEvents)
            .subscribe(hub::tryEmitNext, e -> LOG.warn("dashboard stopped following the node: {}", e.toString())));
    }

    private Event diff(MembershipView view) {
        Map<String, Member> next = new HashMap<>();
        for (Member m : view.members()) {
            next.put(m.name(), m);
        }
        Map<String, Member> before = members;
        members = next;
        if (before == null) {
            return null; // the first view is what every snapshot shows
        }
        long now = System.currentTimeMillis();
        List<Member> upserted = new ArrayList<>();
        for (Member m : view.members()) {
            Member old = before.get(m.name());
            if (!m.equals(old)) {
                upserted.add(m);
                if (old == null || old.state() != m.state()) {
                    append(history, new HistoryJson(now, "member", m.name(),
                        old == null ? null : old.state().name(), m.state().name(), 0), RECENT_CHANGES);
                }
            }
        }
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Member> old : before.entrySet()) {
            if (!next.containsKey(old.getKey())) {
                removed.add(old.getKey());
                append(history, new HistoryJson(now, "member", old.getKey(), old.getValue().state().name(),
                    "REMOVED", 0), RECENT_CHANGES);
            }
        }
        if (upserted.isEmpty() && removed.isEmpty()) {
            return null;
        }
        removed.sort(null);
        return DashboardEvents.member(upserted, removed);
    }

    /** Appends to a list of the latest items, keeping at most {@code max} (the oldest go). */
    private static <T> void append(AtomicReference<List<T>> latest, T item, int max) {
        latest.updateAndGet(list -> {
            List<T> next = new ArrayList<>(list.subList(Math.max(0, list.size() - max + 1), list.size()));
            next.add(item);
            return List.copyOf(next);
        });
    }

    private Event ringChanged(RingChange change) {
        ChangeJson moved = DashboardEvents.change(change, System.currentTimeMillis());
        if (moved != null) {
            lastChange.set(moved);
            append(history, new HistoryJson(moved.at(), "ring", change.after().digest(), null, null, moved.moved()),
                RECENT_CHANGES);
        }
        return DashboardEvents.event(DashboardEvents.RING, DashboardEvents.ring(change.after(), lastChange.get()));
    }

    private Event repaired(RepairReport report) {
        RepairJson r = RepairJson.of(report, System.currentTimeMillis());
        append(recent, r, RECENT_REPAIRS);
        return DashboardEvents.event(DashboardEvents.REPAIR, r);
    }

    /** @return everything the page shows, now */
    public Event snapshot() {
        RingSnapshot ring = source.ring();
        return DashboardEvents.snapshot(source.name(), source.view(),
            ring == null ? null : DashboardEvents.ring(ring, lastChange.get()), recent.get(), history.get(),
            counts.current(), source.stats());
    }

    /** @return member, ring and repair events as they happen (hot; a subscriber without demand misses them) */
    public Flux<Event> events() {
        return hub.asFlux();
    }

    /** @return stats events, one per refresh while subscribed (shared: one gathering for all streams) */
    public Flux<Event> stats() {
        return stats;
    }

    /** @return completes when the hub stopped following the node and released its connections */
    public Mono<Void> close() {
        subscriptions.dispose();
        hub.tryEmitComplete();
        return counts.close();
    }
}
