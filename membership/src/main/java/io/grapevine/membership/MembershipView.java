package io.grapevine.membership;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the member table: every member this node knows, self included, in
 * every state, sorted by name.
 *
 * @param localName the name of the node that produced the view
 * @param version   increases by one with every change of the member table on that node
 * @param members   the members, sorted by name
 */
public record MembershipView(String localName, long version, List<Member> members) {

    /** Copies and sorts the members so that equal tables give equal views. */
    public MembershipView {
        Objects.requireNonNull(localName, "localName");
        members = members.stream().sorted(Comparator.comparing(Member::name)).toList();
    }

    /**
     * @param name a member name
     * @return that member, if known
     */
    public Optional<Member> member(String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** @return the members in state {@link MemberState#ALIVE} */
    public List<Member> alive() {
        return members.stream().filter(m -> m.state() == MemberState.ALIVE).toList();
    }

    /** @return the members still considered part of the cluster: {@code ALIVE} or {@code SUSPECT} */
    public List<Member> live() {
        return members.stream().filter(m -> m.state().isLive()).toList();
    }
}
