package io.grapevine.testkit;

import io.grapevine.membership.MembershipEvent;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/** Helpers shared by the testkit's tests. */
final class Clusters {
    private Clusters() {
    }

    /** Builds a converged cluster or fails. */
    static SimulatedCluster converged(SimulatedCluster.Builder builder) {
        SimulatedCluster c = builder.build();
        if (!c.advanceUntil(c::converged, Duration.ofMinutes(2))) {
            c.close();
            throw new AssertionError("cluster did not converge within 2 virtual minutes");
        }
        return c;
    }

    /** Events of a type about a member, by every observer. */
    static List<ObservedEvent> about(SimulatedCluster c, String subject, MembershipEvent.Type type) {
        return c.eventLog().stream().filter(e -> e.subject().equals(subject) && e.type() == type).toList();
    }

    /** The names of the observers that saw an event of a type about a member. */
    static Set<String> observers(SimulatedCluster c, String subject, MembershipEvent.Type type) {
        return about(c, subject, type).stream().map(ObservedEvent::observer).collect(Collectors.toSet());
    }

    /** Names of the running nodes other than the given ones. */
    static Set<String> runningExcept(SimulatedCluster c, String... names) {
        Set<String> except = Set.of(names);
        return c.running().stream().map(SimulatedNode::name).filter(n -> !except.contains(n))
                .collect(Collectors.toSet());
    }

    /** Latest timestamp of an event of a type about a member, over every observer. */
    static OptionalLong last(SimulatedCluster c, String subject, MembershipEvent.Type type) {
        return about(c, subject, type).stream().mapToLong(ObservedEvent::timeMillis).max();
    }

    /** Earliest timestamp of an event of a type about a member. */
    static OptionalLong first(SimulatedCluster c, String subject, MembershipEvent.Type type) {
        return about(c, subject, type).stream().mapToLong(ObservedEvent::timeMillis).min();
    }
}
