package io.grapevine.membership.internal;

import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.MembershipView;
import io.grapevine.membership.internal.protocol.NodeRecord;
import io.grapevine.membership.internal.protocol.ProtocolClock;
import io.grapevine.membership.internal.protocol.ProtocolMetrics;
import io.grapevine.membership.internal.protocol.PublishedMembers;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Publishes the member table to the outside world without ever letting a subscriber slow the
 * protocol: a thread-safe copy of the members for {@code members()}, a version tick per batch of
 * changes that {@code views()} turns into conflated views on the delivery scheduler, and bounded,
 * counted buffers for events and messages. Mutated on the protocol worker only.
 */
final class EventPublisher {
    private final String localName;
    private final ProtocolClock clock;
    private final ProtocolMetrics metrics;
    private final Scheduler delivery;
    private final int eventBuffer;
    private final int messageBuffer;
    private final PublishedMembers members = new PublishedMembers();
    private final Sinks.Many<Long> ticks = Sinks.many().replay().latest();
    private final Sinks.Many<MembershipEvent> events = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<byte[]> messages = Sinks.many().multicast().directBestEffort();
    private volatile long version;
    private boolean flushScheduled;

    EventPublisher(String localName, ProtocolClock clock, ProtocolMetrics metrics, Scheduler delivery,
                   int eventBuffer, int messageBuffer) {
        this.localName = localName;
        this.clock = clock;
        this.metrics = metrics;
        this.delivery = delivery;
        this.eventBuffer = eventBuffer;
        this.messageBuffer = messageBuffer;
        ticks.tryEmitNext(0L);
    }

    /** A member's record changed: visible in {@code members()} at once, in views after the batch. */
    void changed(NodeRecord record) {
        members.put(record);
        bump();
    }

    void removed(NodeRecord record) {
        members.remove(record);
        bump();
    }

    private void bump() {
        version++;
        if (!flushScheduled) {
            flushScheduled = true;
            clock.execute(() -> {
                flushScheduled = false;
                ticks.tryEmitNext(version);
            });
        }
    }

    void event(MembershipEvent.Type type, Member member) {
        events.tryEmitNext(new MembershipEvent(type, member, clock.now()));
    }

    void message(byte[] payload) {
        messages.tryEmitNext(payload);
    }

    MembershipView view() {
        long v = version;
        return new MembershipView(localName, v, members.snapshot());
    }

    Flux<MembershipView> views() {
        return ticks.asFlux()
                .onBackpressureLatest()
                .publishOn(delivery, 1)
                .map(v -> view())
                .distinctUntilChanged(MembershipView::version);
    }

    Flux<MembershipEvent> events() {
        return events.asFlux()
                .onBackpressureBuffer(eventBuffer, e -> metrics.overflow(), BufferOverflowStrategy.DROP_OLDEST)
                .publishOn(delivery);
    }

    Flux<byte[]> messages() {
        return messages.asFlux()
                .onBackpressureBuffer(messageBuffer, m -> metrics.overflow(), BufferOverflowStrategy.DROP_OLDEST)
                .publishOn(delivery);
    }

    void complete() {
        ticks.tryEmitComplete();
        events.tryEmitComplete();
        messages.tryEmitComplete();
    }
}
