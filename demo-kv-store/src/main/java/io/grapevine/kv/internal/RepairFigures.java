package io.grapevine.kv.internal;

import io.grapevine.kv.RepairStats;
import io.grapevine.repair.RepairReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Running totals of this node's repair sessions (both roles, every reason) for {@code /stats},
 * and one stream of reports for whoever watches (the dashboard): each session's report from the
 * repair service, plus the scheduler's report when it gave a range up after its last retry.
 */
public final class RepairFigures {
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong failedSessions = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong inSync = new AtomicLong();
    private final AtomicLong differences = new AtomicLong();
    private final AtomicLong entriesSent = new AtomicLong();
    private final AtomicLong entriesReceived = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong rangeGained = new AtomicLong();
    private final AtomicLong periodic = new AtomicLong();
    private final AtomicLong inbound = new AtomicLong();
    private final AtomicLong manual = new AtomicLong();
    private final AtomicReference<RepairStats.Last> last = new AtomicReference<>();
    private final Sinks.Many<RepairReport> reports = Sinks.many().multicast().directBestEffort();

    /** @param r a session's report from the repair service */
    public void session(RepairReport r) {
        sessions.incrementAndGet();
        if (!r.ok()) {
            failedSessions.incrementAndGet();
        } else if ("in-sync".equals(r.mode())) {
            inSync.incrementAndGet();
        }
        switch (r.reason()) {
            case RANGE_GAINED -> rangeGained.incrementAndGet();
            case PERIODIC -> periodic.incrementAndGet();
            case INBOUND -> inbound.incrementAndGet();
            case MANUAL -> manual.incrementAndGet();
            default -> { }
        }
        differences.addAndGet(r.differences());
        entriesSent.addAndGet(r.entriesSent());
        entriesReceived.addAndGet(r.entriesReceived());
        bytesSent.addAndGet(r.bytesSent());
        bytesReceived.addAndGet(r.bytesReceived());
        last.set(new RepairStats.Last(System.currentTimeMillis(), r.range().toString(), r.peer(), r.reason().name(), r.mode(),
            r.differences(), r.entriesSent(), r.entriesReceived(), r.duration().toMillis(), r.error()));
        publish(r);
    }

    /** @param r a report of the scheduler; only "gave up" reports count (the others repeat sessions) */
    public void scheduled(RepairReport r) {
        if (!r.ok() && "failed".equals(r.mode())) {
            gaveUp.incrementAndGet();
            publish(r);
        }
    }

    private void publish(RepairReport r) {
        reports.emitNext(r, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }

    /** @return every report from now on (a slow subscriber misses some) */
    public Flux<RepairReport> reports() {
        return reports.asFlux();
    }

    /**
     * @param pending (range, peer) pairs queued or running in the scheduler
     * @return the figures now
     */
    public RepairStats snapshot(int pending) {
        return new RepairStats(sessions.get(), failedSessions.get(), gaveUp.get(), inSync.get(), differences.get(),
            entriesSent.get(), entriesReceived.get(), bytesSent.get(), bytesReceived.get(),
            new RepairStats.Reasons(rangeGained.get(), periodic.get(), inbound.get(), manual.get()), pending, last.get());
    }
}
