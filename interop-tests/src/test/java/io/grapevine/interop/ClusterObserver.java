package io.grapevine.interop;

import io.grapevine.membership.Member;
import io.grapevine.membership.Membership;
import java.util.Map;
import java.util.TreeMap;

/**
 * One cluster member's own view of the cluster: a serf agent (through {@code serf members}), a
 * Grapevine node in this JVM, or a Grapevine node process (through its {@code view} command).
 */
interface ClusterObserver {

    /** @return the observer's node name */
    String name();

    /**
     * @return every member the observer knows, itself included, by name, sorted
     * @throws Exception when the observer cannot be asked (process gone, RPC refused)
     */
    Map<String, MemberStatus> view() throws Exception;

    /**
     * @param node a Grapevine node running in this JVM
     * @return that node as an observer
     */
    static ClusterObserver of(Membership node) {
        String name = node.local().name();
        return new ClusterObserver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, MemberStatus> view() {
                Map<String, MemberStatus> view = new TreeMap<>();
                for (Member m : node.members()) {
                    view.put(m.name(), MemberStatus.ofGrapevine(m.state()));
                }
                return view;
            }

            @Override
            public String toString() {
                return name + " (Grapevine, in-JVM)";
            }
        };
    }
}
