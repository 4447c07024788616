package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.kv.internal.DashboardEvents.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** SSE framing and the per-client bounds, on virtual time with a fake socket. */
class EventStreamTest {
    private static final DashboardSettings SETTINGS = new DashboardSettings(64, Duration.ofSeconds(1),
        Duration.ofSeconds(15), Duration.ofSeconds(30), 8, 1 << 20, 32 * 1024, Duration.ofSeconds(1), 8);

    private final Sinks.Many<Event> events = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Event> stats = Sinks.many().multicast().directBestEffort();
    private final FakeOutlet outlet = new FakeOutlet();
    private final AtomicLong ids = new AtomicLong();
    private final List<String> drops = new ArrayList<>();
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    private static final class FakeOutlet implements EventStream.Outlet {
        volatile boolean writable = true;
        volatile long backlog;
        volatile boolean closed;

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public long backlogBytes() {
            return backlog;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private EventStream stream(DashboardSettings settings) {
        return new EventStream(() -> new Event("snapshot", "{\"n\":1}"), events.asFlux(), stats.asFlux(), outlet,
            settings, time, ids::incrementAndGet, drops::add);
    }

    private StepVerifier.FirstStep<String> verify(EventStream s, long initialRequest) {
        return StepVerifier.withVirtualTime(s::frames, () -> time, initialRequest);
    }

    @Test
    void framesCarryIdEventAndOneDataLinePerLine() {
        assertThat(EventStream.frame(7, "ring", "{\"a\":1}")).isEqualTo("id: 7\nevent: ring\ndata: {\"a\":1}\n\n");
        assertThat(EventStream.frame(8, "x", "one\ntwo\r\nthree\rfour"))
            .isEqualTo("id: 8\nevent: x\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
        assertThat(EventStream.frame(9, "x", "")).isEqualTo("id: 9\nevent: x\ndata: \n\n");
    }

    @Test
    void startsWithRetryAndSnapshotThenPassesEventsOnWithIncreasingIds() {
        verify(stream(SETTINGS), Long.MAX_VALUE)
            .expectNext("retry: 2000\nid: 1\nevent: snapshot\ndata: {\"n\":1}\n\n")
            .then(() -> events.tryEmitNext(new Event("member", "{\"m\":2}")))
            .expectNext("id: 2\nevent: member\ndata: {\"m\":2}\n\n")
            .then(() -> stats.tryEmitNext(new Event("stats", "{\"s\":3}")))
            .expectNext("id: 3\nevent: stats\ndata: {\"s\":3}\n\n")
            .thenCancel()
            .verify(Duration.ofSeconds(5));
        assertThat(events.currentSubscriberCount()).as("cancel releases the sources").isZero();
        assertThat(stats.currentSubscriberCount()).isZero();
    }

    @Test
    void aChangeWhileTheSnapshotIsBuiltFollowsIt() {
        // the sources are subscribed before the snapshot is taken: a change racing with it is not lost
        EventStream s = new EventStream(() -> {
            events.tryEmitNext(new Event("ring", "{\"during\":true}"));
            return new Event("snapshot", "{}");
        }, events.asFlux(), stats.asFlux(), outlet, SETTINGS, time, ids::incrementAndGet, drops::add);
        verify(s, Long.MAX_VALUE)
            .assertNext(f -> assertThat(f).contains("event: snapshot"))
            .assertNext(f -> assertThat(f).contains("event: ring").contains("during"))
            .thenCancel()
            .verify(Duration.ofSeconds(5));
    }

    @Test
    void heartbeatCommentsKeepAnIdleStreamOpen() {
        verify(stream(SETTINGS), Long.MAX_VALUE)
            .expectNextCount(1)
            .expectNoEvent(Duration.ofSeconds(14))
            .thenAwait(Duration.ofSeconds(1))
            .expectNext(EventStream.HEARTBEAT)
            .thenAwait(Duration.ofSeconds(15))
            .expectNext(EventStream.HEARTBEAT)
            .thenCancel()
            .verify(Duration.ofSeconds(5));
        assertThat(drops).isEmpty();
    }

    @Test
    void statsWaitingForASlowClientAreCoalescedToTheLatest() {
        verify(stream(SETTINGS), 1)
            .expectNextCount(1)
            .then(() -> {
                for (int i = 0; i < 100; i++) {
                    stats.tryEmitNext(new Event("stats", "{\"s\":" + i + "}"));
                }
            })
            .thenRequest(10)
            .expectNext("id: 2\nevent: stats\ndata: {\"s\":99}\n\n")
            .expectNoEvent(Duration.ofSeconds(1))
            .thenCancel()
            .verify(Duration.ofSeconds(5));
        assertThat(drops).as("coalesced stats never overflow the queue").isEmpty();
    }

    @Test
    void aClientTooFarBehindOnEventsIsDropped() {
        verify(stream(SETTINGS), 1)
            .expectNextCount(1)
            .then(() -> {
                for (int i = 0; i < 100; i++) {
                    events.tryEmitNext(new Event("repair", "{\"r\":" + i + "}"));
                }
            })
            .thenRequest(Long.MAX_VALUE)
            .expectError(EventStream.DroppedException.class)
            .verify(Duration.ofSeconds(5));
        assertThat(outlet.closed).isTrue();
        assertThat(drops).singleElement().asString().contains("events waiting");
        assertThat(events.currentSubscriberCount()).isZero();
    }

    @Test
    void aSocketUnwritableForTheStallTimeoutIsDropped() {
        verify(stream(SETTINGS), Long.MAX_VALUE)
            .expectNextCount(1)
            .then(() -> outlet.writable = false)
            .thenAwait(Duration.ofSeconds(20))
            .then(() -> outlet.writable = true) // it drained: the clock starts again
            .thenAwait(Duration.ofSeconds(2))
            .then(() -> outlet.writable = false)
            .thenAwait(Duration.ofSeconds(25))
            .expectNext(EventStream.HEARTBEAT, EventStream.HEARTBEAT, EventStream.HEARTBEAT)
            .then(() -> assertThat(drops).as("never 30 s unwritable in one go").isEmpty())
            .thenAwait(Duration.ofSeconds(10))
            .expectError(EventStream.DroppedException.class)
            .verify(Duration.ofSeconds(5));
        assertThat(outlet.closed).isTrue();
        assertThat(drops).singleElement().asString().contains("unwritable");
    }

    @Test
    void aBacklogOverTheBoundIsDroppedAtTheNextCheck() {
        verify(stream(SETTINGS), Long.MAX_VALUE)
            .expectNextCount(1)
            .then(() -> outlet.backlog = SETTINGS.maxBacklogBytes() + 1)
            .thenAwait(SETTINGS.checkEvery())
            .expectError(EventStream.DroppedException.class)
            .verify(Duration.ofSeconds(5));
        assertThat(outlet.closed).isTrue();
        assertThat(drops).singleElement().asString().contains("bytes waiting");
    }
}
