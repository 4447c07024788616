package io.grapevine.kv.internal;

import io.grapevine.kv.KvStats;
import io.grapevine.kv.RingChange;
import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import io.grapevine.repair.RepairReport;
import io.grapevine.ring.RingSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON bodies of the dashboard's server-sent events: the full {@code snapshot} a stream starts
 * with, and the incremental {@code member}, {@code ring}, {@code repair} and {@code stats} events.
 * Each body is built once per change and shared by every open stream. The shapes are documented in
 * {@code docs/kv-store.md}.
 */
public final class DashboardEvents {
    /** Event type of the full state, the first event of every stream. */
    public static final String SNAPSHOT = "snapshot";
    /** Event type of member changes. */
    public static final String MEMBER = "member";
    /** Event type of a new ring. */
    public static final String RING = "ring";
    /** Event type of a finished repair session. */
    public static final String REPAIR = "repair";
    /** Event type of per-node key counts and this node's figures. */
    public static final String STATS = "stats";

    private DashboardEvents() {
    }

    /**
     * One event to send: its type and its JSON body.
     *
     * @param type the SSE event name
     * @param json the body, one line of JSON
     */
    public record Event(String type, String json) {
    }

    /**
     * A member as the page shows it.
     *
     * @param name        the node name
     * @param state       {@code ALIVE}, {@code SUSPECT}, {@code DEAD} (shown as failed) or {@code LEFT}
     * @param incarnation its incarnation
     * @param gossip      its gossip address
     * @param http        its HTTP base URL, or null
     * @param tags        its tags, sorted
     */
    public record MemberJson(String name, String state, long incarnation, String gossip, String http,
                             Map<String, String> tags) {
        static MemberJson of(Member m) {
            String http = m.tag(Peers.HTTP_TAG);
            return new MemberJson(m.name(), m.state().name(), m.incarnation(), HostPort.format(m.address()),
                http == null ? null : "http://" + http, new TreeMap<>(m.tags()));
        }
    }

    /**
     * The latest ring change that moved ranges.
     *
     * @param at        when this node saw it (ms since the epoch)
     * @param moved     ranges that changed replicas
     * @param truncated how many of them are not listed
     * @param movements the listed ones
     */
    public record ChangeJson(long at, int moved, int truncated, List<RingLayout.Move> movements) {
    }

    /**
     * The ring as this node routes with it.
     *
     * @param digest      the ownership digest (equal on nodes that route alike)
     * @param replication replicas per key
     * @param partitions  ring partitions
     * @param owners      owner names, sorted
     * @param slots       per slot, replicas as indices into owners, primary first
     * @param ownership   fraction of the token space each owner replicates
     * @param change      the latest change that moved ranges, or null
     */
    public record RingJson(String digest, int replication, int partitions, List<String> owners, int[][] slots,
                           Map<String, Double> ownership, ChangeJson change) {
    }

    /**
     * One finished repair session.
     *
     * @param at              when it was reported (ms since the epoch)
     * @param from            start of its range on the circle
     * @param to              end of its range on the circle
     * @param range           the token range, as text
     * @param peer            the other replica
     * @param initiator       whether this node dialled
     * @param reason          why it ran
     * @param mode            how it went
     * @param differences     keys that differed
     * @param entriesSent     entries sent
     * @param entriesReceived entries received
     * @param bytesSent       bytes sent
     * @param bytesReceived   bytes received
     * @param millis          how long it took
     * @param error           why it failed, or null
     */
    public record RepairJson(long at, double from, double to, String range, String peer, boolean initiator,
                             String reason, String mode, long differences, long entriesSent, long entriesReceived,
                             long bytesSent, long bytesReceived, long millis, String error) {
        static RepairJson of(RepairReport r, long at) {
            return new RepairJson(at, RingLayout.from(r.range()), RingLayout.to(r.range()), r.range().toString(),
                r.peer(), r.initiator(), r.reason().name(), r.mode(), r.differences(), r.entriesSent(),
                r.entriesReceived(), r.bytesSent(), r.bytesReceived(), r.duration().toMillis(), r.error());
        }
    }

    /**
     * One past change, for the page's event log: a member's state change or a ring change.
     *
     * @param at     when this node saw it (ms since the epoch)
     * @param kind   {@code member} or {@code ring}
     * @param name   the member, or the new ring's digest
     * @param before the member's state before (null when it was new), or null for a ring
     * @param after  the member's state after ({@code REMOVED} when reaped), or null for a ring
     * @param moved  ranges that changed replicas (ring changes), else 0
     */
    public record HistoryJson(long at, String kind, String name, String before, String after, int moved) {
    }

    /**
     * @param view a membership view
     * @return every member of it
     */
    public static List<MemberJson> members(MembershipView view) {
        List<MemberJson> out = new ArrayList<>(view.members().size());
        for (Member m : view.members()) {
            out.add(MemberJson.of(m));
        }
        return out;
    }

    /**
     * @param upserted members that are new or changed
     * @param removed  names of members no longer in the view
     * @return the body of a {@code member} event
     */
    public static Event member(List<Member> upserted, List<String> removed) {
        List<MemberJson> members = new ArrayList<>(upserted.size());
        for (Member m : upserted) {
            members.add(MemberJson.of(m));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", System.currentTimeMillis());
        body.put("members", members);
        body.put("removed", removed);
        return event(MEMBER, body);
    }

    /**
     * @param ring   the ring now
     * @param change the latest change that moved ranges (its time and movements), or null
     * @return the ring as the page draws it
     */
    public static RingJson ring(RingSnapshot ring, ChangeJson change) {
        List<String> owners = RingLayout.owners(ring);
        Map<String, Double> ownership = new LinkedHashMap<>();
        for (String name : owners) {
            ownership.put(name, ring.ownership(name));
        }
        return new RingJson(ring.digest(), ring.config().replicationFactor(), ring.config().partitions(), owners,
            RingLayout.slots(ring, owners), ownership, change);
    }

    /**
     * @param change a ring change
     * @param at     when it was seen
     * @return its movements as the page draws them, or null when nothing moved
     */
    public static ChangeJson change(RingChange change, long at) {
        if (change.movements().isEmpty()) {
            return null;
        }
        List<RingLayout.Move> moves = RingLayout.moves(change.movements());
        return new ChangeJson(at, change.movements().size(), change.movements().size() - moves.size(), moves);
    }

    /**
     * @param counts key counts of the nodes
     * @param local  this node's figures
     * @return the body of a {@code stats} event
     */
    public static Event stats(ClusterKeyCounts.Counts counts, KvStats local) {
        return event(STATS, statsBody(counts, local));
    }

    private static Map<String, Object> statsBody(ClusterKeyCounts.Counts counts, KvStats local) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", counts.atMillis());
        body.put("nodes", counts.nodes());
        body.put("requests", local.requests());
        body.put("repair", local.repair());
        return body;
    }

    /**
     * @param node    this node's name
     * @param view    the membership view
     * @param ring    the ring, or null while there is none
     * @param repairs the latest repair sessions, newest last
     * @param history the latest member and ring changes, newest last
     * @param counts  key counts of the nodes
     * @param local   this node's figures
     * @return the body of a {@code snapshot} event: everything the page shows
     */
    public static Event snapshot(String node, MembershipView view, RingJson ring, List<RepairJson> repairs,
                                 List<HistoryJson> history, ClusterKeyCounts.Counts counts, KvStats local) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", node);
        body.put("at", System.currentTimeMillis());
        body.put("members", members(view));
        body.put("ring", ring);
        body.put("repairs", repairs);
        body.put("history", history);
        body.put("stats", statsBody(counts, local));
        return event(SNAPSHOT, body);
    }

    /**
     * @param type the event type
     * @param body a Jackson-serialisable body
     * @return the event with its body as one line of JSON
     */
    public static Event event(String type, Object body) {
        return new Event(type, new String(Json.bytes(body), StandardCharsets.UTF_8));
    }
}
