package io.grapevine.testkit;

import io.grapevine.membership.MembershipEvent;
import java.util.Objects;

/**
 * A membership event as one simulated node saw it, stamped with that node's virtual time.
 *
 * @param observer the node that emitted the event
 * @param event    the event; its timestamp is virtual milliseconds since the cluster was built
 */
public record ObservedEvent(String observer, MembershipEvent event) {

    /** Validates the fields. */
    public ObservedEvent {
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(event, "event");
    }

    /** @return virtual milliseconds since the cluster was built */
    public long timeMillis() {
        return event.timestamp();
    }

    /** @return what happened */
    public MembershipEvent.Type type() {
        return event.type();
    }

    /** @return the name of the member the event is about */
    public String subject() {
        return event.member().name();
    }

    /** @return one line: time, observer, type, subject, its state and incarnation */
    @Override
    public String toString() {
        return event.timestamp() + " " + observer + " " + event.type() + " " + event.member().name() + " "
                + event.member().state() + " " + event.member().incarnation();
    }
}
